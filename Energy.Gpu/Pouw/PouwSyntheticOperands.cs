using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Energy.Gpu.Pouw;

/// <summary>
/// Deterministic operands for a node that mines "on the inference shapes" without a tenant's own tensors:
/// the weights W from a seed the operator registers once (<c>heatgrid pouw weights</c> prints their root),
/// and per request batch the activations A from the node, its run and a counter (its synthetic requests).
/// Values lie in the rank's operand range (docs/pouw.md, "Operands"), so every header of the shape takes them.
/// </summary>
public static class PouwSyntheticOperands
{
    private static readonly byte[] WeightsTag = Encoding.ASCII.GetBytes("heatgrid pouw weights/1");
    private static readonly byte[] ActivationsTag = Encoding.ASCII.GetBytes("heatgrid pouw activations/1");

    /// <summary>W (n×k, row-major) made from <paramref name="seed"/> within rank <paramref name="rank"/>'s operand range.</summary>
    public static sbyte[] Weights(long seed, int n, int k, int rank)
    {
        Span<byte> input = stackalloc byte[WeightsTag.Length + 8];
        WeightsTag.CopyTo(input);
        BinaryPrimitives.WriteInt64LittleEndian(input[WeightsTag.Length..], seed);
        var values = new sbyte[checked(n * k)];
        Fill(SHA256.HashData(input), rank, values);
        return values;
    }

    /// <summary>The activations of batch <paramref name="counter"/> of one node's run (m×k, row-major).</summary>
    public static sbyte[] Activations(string node, long run, long counter, int m, int k, int rank)
    {
        ArgumentNullException.ThrowIfNull(node);
        var name = Encoding.UTF8.GetBytes(node);
        var input = new byte[ActivationsTag.Length + 4 + name.Length + 16];
        ActivationsTag.CopyTo(input, 0);
        BinaryPrimitives.WriteInt32LittleEndian(input.AsSpan(ActivationsTag.Length), name.Length);
        name.CopyTo(input, ActivationsTag.Length + 4);
        BinaryPrimitives.WriteInt64LittleEndian(input.AsSpan(ActivationsTag.Length + 4 + name.Length), run);
        BinaryPrimitives.WriteInt64LittleEndian(input.AsSpan(ActivationsTag.Length + 12 + name.Length), counter);
        var values = new sbyte[checked(m * k)];
        Fill(SHA256.HashData(input), rank, values);
        return values;
    }

    /// <summary>
    /// Value f is byte (f mod 4) of mix32(mix32((f / 4) ^ s0) + s1) ^ s2, scaled onto −(128−r) … 127−r:
    /// cheap enough for 8192×8192 weights, and the same on every machine.
    /// </summary>
    private static void Fill(ReadOnlySpan<byte> seed, int rank, Span<sbyte> into)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rank, PouwParameters.MaxRank);
        var (s0, s1, s2) = (PouwHashing.Word(seed, 0), PouwHashing.Word(seed, 1), PouwHashing.Word(seed, 2));
        var min = -(128 - rank);
        var span = 256 - (2 * rank);
        uint word = 0;
        for (var f = 0; f < into.Length; f++)
        {
            if ((f & 3) == 0)
            {
                word = unchecked(PouwHashing.Mix32(unchecked(PouwHashing.Mix32((uint)(f >> 2) ^ s0) + s1)) ^ s2);
            }

            var b = (int)((word >> (8 * (f & 3))) & 0xff);
            into[f] = (sbyte)(min + ((b * span) >> 8));
        }
    }
}
