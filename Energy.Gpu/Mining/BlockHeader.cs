using System.Buffers.Binary;

namespace Energy.Gpu.Mining;

/// <summary>
/// The 80-byte Bitcoin block header (Bitcoin Core primitives/block.h CBlockHeader): version LE
/// uint32 @0, previous block hash @4 and merkle root @36 (32 bytes each, internal order), time LE
/// uint32 @68, nBits LE uint32 @72, nonce LE uint32 @76. Block hash = SHA256(SHA256(header)).
/// </summary>
public sealed class BlockHeader
{
    public const int Size = 80;
    public const int PreviousBlockHashOffset = 4;
    public const int MerkleRootOffset = 36;
    public const int TimeOffset = 68;
    public const int BitsOffset = 72;
    public const int NonceOffset = 76;

    private readonly byte[] _previousBlockHash;
    private readonly byte[] _merkleRoot;

    public BlockHeader(uint version, ReadOnlySpan<byte> previousBlockHash, ReadOnlySpan<byte> merkleRoot, uint time, uint bits, uint nonce)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(previousBlockHash.Length, DisplayHash.Bytes, nameof(previousBlockHash));
        ArgumentOutOfRangeException.ThrowIfNotEqual(merkleRoot.Length, DisplayHash.Bytes, nameof(merkleRoot));
        Version = version;
        _previousBlockHash = previousBlockHash.ToArray();
        _merkleRoot = merkleRoot.ToArray();
        Time = time;
        Bits = bits;
        Nonce = nonce;
    }

    public uint Version { get; }

    /// <summary>Internal byte order (reverse of the displayed hex).</summary>
    public ReadOnlySpan<byte> PreviousBlockHash => _previousBlockHash;

    /// <summary>Internal byte order (reverse of the displayed hex).</summary>
    public ReadOnlySpan<byte> MerkleRoot => _merkleRoot;

    /// <summary>Seconds since the Unix epoch.</summary>
    public uint Time { get; }

    /// <summary>The target in compact form; see <see cref="Target.FromCompact"/>.</summary>
    public uint Bits { get; }

    public uint Nonce { get; }

    public Target Target => Target.FromCompact(Bits);

    public static BlockHeader Parse(ReadOnlySpan<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(bytes.Length, Size, nameof(bytes));
        return new BlockHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            bytes.Slice(PreviousBlockHashOffset, DisplayHash.Bytes),
            bytes.Slice(MerkleRootOffset, DisplayHash.Bytes),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[TimeOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[BitsOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[NonceOffset..]));
    }

    public BlockHeader WithNonce(uint nonce) => new(Version, _previousBlockHash, _merkleRoot, Time, Bits, nonce);

    /// <summary>The header with another time: a fresh 2^32 nonce space once the current one is searched ("ntime rolling").</summary>
    public BlockHeader WithTime(uint time) => new(Version, _previousBlockHash, _merkleRoot, time, Bits, Nonce);

    public void WriteTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Size, nameof(destination));
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Version);
        _previousBlockHash.CopyTo(destination[PreviousBlockHashOffset..]);
        _merkleRoot.CopyTo(destination[MerkleRootOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[TimeOffset..], Time);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[BitsOffset..], Bits);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[NonceOffset..], Nonce);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>The block hash in internal order: SHA256(SHA256(80 header bytes)).</summary>
    public void ComputeHash(Span<byte> hash)
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        Sha256.HashTwice(bytes, hash);
    }

    /// <summary>The block hash as block explorers show it (byte-reversed hex).</summary>
    public string ComputeDisplayHash()
    {
        Span<byte> hash = stackalloc byte[Sha256.DigestBytes];
        ComputeHash(hash);
        return DisplayHash.Format(hash);
    }
}
