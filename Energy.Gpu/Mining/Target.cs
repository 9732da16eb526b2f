using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace Energy.Gpu.Mining;

/// <summary>
/// A 256-bit proof-of-work target. A block hash (the SHA-256d bytes in internal order, read as a
/// little-endian 256-bit number) meets it when hash ≤ target (Bitcoin Core, CheckProofOfWork).
/// </summary>
public readonly record struct Target
{
    public const int Bytes = 32;

    // Limbs least significant first.
    private readonly ulong _l0, _l1, _l2, _l3;

    private static readonly BigInteger MaxValue = (BigInteger.One << 256) - 1;

    private Target(ulong l0, ulong l1, ulong l2, ulong l3) => (_l0, _l1, _l2, _l3) = (l0, l1, l2, l3);

    /// <summary>Bitcoin's difficulty-1 target, nBits 0x1d00ffff (the genesis block's).</summary>
    public static Target DifficultyOne { get; } = FromCompact(0x1d00ffff);

    /// <summary>The most significant 32 bits, for a quick reject before the full comparison (the kernel's test).</summary>
    public uint HighWord => (uint)(_l3 >> 32);

    /// <summary>
    /// Decodes nBits: target = mantissa × 256^(exponent − 3), exponent the top byte, mantissa the low
    /// 23 bits (Bitcoin Core arith_uint256::SetCompact). Negative or overflowing encodings are rejected.
    /// </summary>
    public static Target FromCompact(uint bits)
    {
        var exponent = (int)(bits >> 24);
        var mantissa = bits & 0x007fffff;
        if ((bits & 0x00800000) != 0 && mantissa != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), $"nBits 0x{bits:x8} encodes a negative target.");
        }

        var value = exponent <= 3
            ? new BigInteger(mantissa >> (8 * (3 - exponent)))
            : new BigInteger(mantissa) << (8 * (exponent - 3));
        return value > MaxValue
            ? throw new ArgumentOutOfRangeException(nameof(bits), $"nBits 0x{bits:x8} overflows 256 bits.")
            : FromBigInteger(value);
    }

    /// <summary>
    /// The share target for a Stratum pool difficulty (mining.set_difficulty): difficulty-1 target ÷
    /// difficulty, capped at 2^256 − 1 for difficulties below one.
    /// </summary>
    public static Target FromDifficulty(double difficulty)
    {
        if (!double.IsFinite(difficulty) || difficulty <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(difficulty), difficulty, "Difficulty must be finite and positive.");
        }

        // Scale by 2^64 so fractional difficulties keep their precision in integer arithmetic.
        var scaled = new BigInteger(difficulty * Math.Pow(2, 64));
        var value = scaled.IsZero ? MaxValue : (DifficultyOne.ToBigInteger() << 64) / scaled;
        return FromBigInteger(BigInteger.Min(value, MaxValue));
    }

    /// <summary>
    /// The largest target whose top 32 bits are <paramref name="highWord"/> (every lower bit set): for
    /// it the kernel's quick reject decides exactly, so every candidate the GPU reports must be a share.
    /// </summary>
    public static Target FromHighWord(uint highWord) => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ((ulong)highWord << 32) | uint.MaxValue);

    public static Target FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0 || value > MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A target is a 256-bit unsigned number.");
        }

        Span<byte> bytes = stackalloc byte[Bytes];
        bytes.Clear();
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return FromLittleEndian(bytes);
    }

    public static Target FromLittleEndian(ReadOnlySpan<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(bytes.Length, Bytes, nameof(bytes));
        return new Target(
            BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));
    }

    /// <summary>Difficulty relative to <see cref="DifficultyOne"/> (what pools and explorers show).</summary>
    public double Difficulty => (double)DifficultyOne.ToBigInteger() / (double)ToBigInteger();

    /// <summary>True when the hash (32 bytes, internal order = little-endian number) is ≤ this target.</summary>
    public bool IsMetBy(ReadOnlySpan<byte> hash)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(hash.Length, Bytes, nameof(hash));
        var h3 = BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]);
        if (h3 != _l3)
        {
            return h3 < _l3;
        }

        var h2 = BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]);
        if (h2 != _l2)
        {
            return h2 < _l2;
        }

        var h1 = BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]);
        return h1 != _l1 ? h1 < _l1 : BinaryPrimitives.ReadUInt64LittleEndian(hash) <= _l0;
    }

    public void WriteLittleEndian(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Bytes, nameof(destination));
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _l0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _l1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _l2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _l3);
    }

    public BigInteger ToBigInteger()
    {
        Span<byte> bytes = stackalloc byte[Bytes];
        WriteLittleEndian(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
    }

    /// <summary>64 hex digits, most significant first (the order explorers display).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_l3:x16}{_l2:x16}{_l1:x16}{_l0:x16}");
}
