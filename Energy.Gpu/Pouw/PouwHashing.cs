using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Energy.Gpu.Pouw;

/// <summary>
/// The hash primitives of docs/pouw.md: SHA-256 with ASCII domain tags, and <c>mix32</c> (the
/// "lowbias32" integer finalizer) for noise words and transcript terms.
/// </summary>
public static class PouwHashing
{
    public const int HashBytes = 32;
    public const int Version = 1;

    internal static ReadOnlySpan<byte> HeaderTag => "hgpouw/1 header"u8;
    internal static ReadOnlySpan<byte> JobTag => "hgpouw/1 job"u8;
    internal static ReadOnlySpan<byte> SeedFTag => "hgpouw/1 F"u8;
    internal static ReadOnlySpan<byte> SeedETag => "hgpouw/1 E"u8;
    internal static ReadOnlySpan<byte> TicketKeyTag => "hgpouw/1 T"u8;
    internal static ReadOnlySpan<byte> TileTag => "hgpouw/1 tile"u8;

    /// <summary>mix32: <c>x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mix32(uint x)
    {
        unchecked
        {
            x ^= x >> 16;
            x *= 0x7feb352du;
            x ^= x >> 15;
            x *= 0x846ca68bu;
            x ^= x >> 16;
            return x;
        }
    }

    /// <summary>The key of a tenant's job: H("hgpouw/1 job" ‖ u8 len ‖ tenant ‖ u8 len ‖ job), UTF-8, each at most 64 bytes.</summary>
    public static byte[] JobKey(string tenant, string job)
    {
        var t = Name(tenant, nameof(tenant));
        var j = Name(job, nameof(job));
        var buffer = new byte[JobTag.Length + 2 + t.Length + j.Length];
        var span = buffer.AsSpan();
        JobTag.CopyTo(span);
        var at = JobTag.Length;
        span[at++] = (byte)t.Length;
        t.CopyTo(span[at..]);
        at += t.Length;
        span[at++] = (byte)j.Length;
        j.CopyTo(span[at..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>seedF = H("hgpouw/1 F" ‖ u32le(1) ‖ weightsRoot ‖ weightsEpoch ‖ u32le(n, k, r)): the weights' noise, fixed per job.</summary>
    public static byte[] SeedF(ReadOnlySpan<byte> weightsRoot, ReadOnlySpan<byte> weightsEpoch, in PouwParameters p)
    {
        Span<byte> buffer = stackalloc byte[SeedFTag.Length + 4 + HashBytes + HashBytes + 12];
        var at = Put(buffer, 0, SeedFTag);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[at..], Version);
        at = Put(buffer, at + 4, Hash(weightsRoot, nameof(weightsRoot)));
        at = Put(buffer, at, Hash(weightsEpoch, nameof(weightsEpoch)));
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[at..], (uint)p.N);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[(at + 4)..], (uint)p.K);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[(at + 8)..], (uint)p.Rank);
        return SHA256.HashData(buffer);
    }

    /// <summary>seedE = H("hgpouw/1 E" ‖ u32le(1) ‖ activationsRoot ‖ headerHash): the activations' noise, per header and batch.</summary>
    public static byte[] SeedE(ReadOnlySpan<byte> activationsRoot, ReadOnlySpan<byte> headerHash)
    {
        Span<byte> buffer = stackalloc byte[SeedETag.Length + 4 + HashBytes + HashBytes];
        var at = Put(buffer, 0, SeedETag);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[at..], Version);
        at = Put(buffer, at + 4, Hash(activationsRoot, nameof(activationsRoot)));
        Put(buffer, at, Hash(headerHash, nameof(headerHash)));
        return SHA256.HashData(buffer);
    }

    /// <summary>ticketKey = H("hgpouw/1 T" ‖ seedE ‖ seedF).</summary>
    public static byte[] TicketKey(ReadOnlySpan<byte> seedE, ReadOnlySpan<byte> seedF)
    {
        Span<byte> buffer = stackalloc byte[TicketKeyTag.Length + HashBytes + HashBytes];
        var at = Put(buffer, 0, TicketKeyTag);
        at = Put(buffer, at, Hash(seedE, nameof(seedE)));
        Put(buffer, at, Hash(seedF, nameof(seedF)));
        return SHA256.HashData(buffer);
    }

    /// <summary>The i-th little-endian 32-bit word of a hash.</summary>
    public static uint Word(ReadOnlySpan<byte> hash, int index) => BinaryPrimitives.ReadUInt32LittleEndian(hash[(4 * index)..]);

    internal static ReadOnlySpan<byte> Hash(ReadOnlySpan<byte> value, string name) =>
        value.Length == HashBytes ? value : throw new ArgumentException($"{name} must be {HashBytes} bytes, not {value.Length}.", name);

    internal static int Put(Span<byte> buffer, int at, ReadOnlySpan<byte> value)
    {
        value.CopyTo(buffer[at..]);
        return at + value.Length;
    }

    private static byte[] Name(string value, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        var bytes = Encoding.UTF8.GetBytes(value);
        return bytes.Length <= 64 ? bytes : throw new ArgumentException($"{name} must be at most 64 UTF-8 bytes.", name);
    }
}
