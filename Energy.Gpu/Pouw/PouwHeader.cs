using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Energy.Gpu.Pouw;

/// <summary>
/// The job header a miner works under (docs/pouw.md, "Job header"): issued by the job registry,
/// it binds the tenant's job, the weights, the target and the parameters; its hash seeds the
/// activations' noise. Byte arrays are 32-byte hashes; compare headers by <see cref="Hash"/>.
/// </summary>
public sealed record PouwHeader(
    string Tenant,
    string Job,
    long Sequence,
    byte[] Previous,
    byte[] WeightsRoot,
    byte[] WeightsEpoch,
    byte[] Target,
    PouwParameters Parameters,
    long IssuedAtUnixMs,
    int Version = PouwHashing.Version)
{
    /// <summary>H(tenant, job): see <see cref="PouwHashing.JobKey"/>.</summary>
    public byte[] JobKey() => PouwHashing.JobKey(Tenant, Job);

    /// <summary>The header's canonical bytes.</summary>
    public byte[] Encode()
    {
        var p = Parameters;
        var buffer = new byte[PouwHashing.HeaderTag.Length + 4 + 32 + 8 + (4 * 32) + (7 * 4) + 8];
        var span = buffer.AsSpan();
        var at = PouwHashing.Put(span, 0, PouwHashing.HeaderTag);
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)Version);
        at = PouwHashing.Put(span, at + 4, JobKey());
        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], (ulong)Sequence);
        at = PouwHashing.Put(span, at + 8, PouwHashing.Hash(Previous, nameof(Previous)));
        at = PouwHashing.Put(span, at, PouwHashing.Hash(WeightsRoot, nameof(WeightsRoot)));
        at = PouwHashing.Put(span, at, PouwHashing.Hash(WeightsEpoch, nameof(WeightsEpoch)));
        at = PouwHashing.Put(span, at, PouwHashing.Hash(Target, nameof(Target)));
        foreach (var v in (int[])[p.M, p.N, p.K, p.Rank, p.TileH, p.TileW, p.Chunk])
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], unchecked((uint)v));
            at += 4;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], unchecked((ulong)IssuedAtUnixMs));
        return buffer;
    }

    /// <summary>headerHash = H(encoding). Not cached: <c>with</c> would copy a cache into a changed header.</summary>
    public byte[] Hash() => SHA256.HashData(Encode());

    /// <summary>seedF for this header's weights and epoch.</summary>
    public byte[] SeedF() => PouwHashing.SeedF(WeightsRoot, WeightsEpoch, Parameters);

    /// <summary>seedE for one batch of activations under this header.</summary>
    public byte[] SeedE(ReadOnlySpan<byte> activationsRoot) => PouwHashing.SeedE(activationsRoot, Hash());

    /// <summary>The target that makes a tile win with probability about 1/<paramref name="tilesPerTicket"/>: floor(2^256 / tilesPerTicket) − 1.</summary>
    public static byte[] TargetFor(double tilesPerTicket)
    {
        if (double.IsNaN(tilesPerTicket) || tilesPerTicket < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(tilesPerTicket), tilesPerTicket, "Tiles per ticket must be at least 1.");
        }

        // 2^256 / t as a big integer: exact enough for targets (the top 53 bits of the quotient).
        var quotient = System.Numerics.BigInteger.Pow(2, 256) * 1_000_000 / new System.Numerics.BigInteger(Math.Round(tilesPerTicket * 1_000_000));
        quotient -= 1;
        var bytes = quotient.ToByteArray(isUnsigned: true, isBigEndian: true);
        var target = new byte[32];
        bytes.AsSpan(Math.Max(0, bytes.Length - 32)).CopyTo(target.AsSpan(Math.Max(0, 32 - bytes.Length)));
        return target;
    }

    /// <summary>Expected tiles hashed per winning tile for a target: 2^256 / (target + 1).</summary>
    public static double TilesPerTicket(ReadOnlySpan<byte> target)
    {
        var t = new System.Numerics.BigInteger(target, isUnsigned: true, isBigEndian: true) + 1;
        return Math.Exp((256 * Math.Log(2)) - System.Numerics.BigInteger.Log(t));
    }
}
