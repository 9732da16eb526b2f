using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Energy.Gpu.Mining;

/// <summary>
/// The SHA-256 state after the header's first 64-byte block, plus the three message words of the
/// second block that precede the nonce. Only the nonce changes between candidates, so each costs two
/// compressions: the header's second block, then the 32-byte first digest (the kernel's work).
/// </summary>
[SkipLocalsInit]
public sealed class Midstate
{
    // Words 16..18 of the header as SHA-256 reads it (big-endian): merkle root's last 4 bytes, time, nBits.
    public const int TailWordCount = 3;

    // FIPS 180-4 §5.1.1 padding for an 80-byte message: 0x80 after the data, length 640 bits in the last word.
    private const uint PaddingStart = 0x80000000;
    private const uint HeaderBits = BlockHeader.Size * 8;
    private const uint DigestBits = Sha256.DigestBytes * 8;

    private readonly uint[] _state = new uint[Sha256.StateWords];
    private readonly uint[] _tail = new uint[TailWordCount];

    private Midstate(ReadOnlySpan<byte> header)
    {
        Sha256.Initialize(_state);
        Sha256.Compress(_state, header[..Sha256.BlockBytes]);
        for (var i = 0; i < TailWordCount; i++)
        {
            _tail[i] = BinaryPrimitives.ReadUInt32BigEndian(header[(Sha256.BlockBytes + (4 * i))..]);
        }
    }

    public ReadOnlySpan<uint> State => _state;

    public ReadOnlySpan<uint> TailWords => _tail;

    /// <summary>From 80 header bytes; the nonce bytes (76..79) are ignored.</summary>
    public static Midstate FromHeader(ReadOnlySpan<byte> header)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(header.Length, BlockHeader.Size, nameof(header));
        return new Midstate(header);
    }

    public static Midstate FromHeader(BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        Span<byte> bytes = stackalloc byte[BlockHeader.Size];
        header.WriteTo(bytes);
        return new Midstate(bytes);
    }

    /// <summary>The final SHA-256d state words for a nonce; the hash bytes are these written big-endian.</summary>
    public void HashNonce(uint nonce, Span<uint> finalState)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(finalState.Length, Sha256.StateWords, nameof(finalState));
        Span<uint> message = stackalloc uint[Sha256.BlockWords];
        Span<uint> state = stackalloc uint[Sha256.StateWords];

        // Second block of the header: tail words, the nonce (stored little-endian, read big-endian), padding.
        _tail.CopyTo(message);
        message[3] = BinaryPrimitives.ReverseEndianness(nonce);
        message[4] = PaddingStart;
        message[5..15].Clear();
        message[15] = HeaderBits;
        _state.CopyTo(state);
        Sha256.Compress(state, message);

        // Second hash: the 32-byte first digest as one padded block.
        state.CopyTo(message);
        message[8] = PaddingStart;
        message[9..15].Clear();
        message[15] = DigestBits;
        Sha256.Initialize(finalState);
        Sha256.Compress(finalState, message);
    }

    /// <summary>The block hash (internal order) for a nonce, equal to SHA256(SHA256(header with nonce)).</summary>
    public void HashNonce(uint nonce, Span<byte> hash)
    {
        Span<uint> finalState = stackalloc uint[Sha256.StateWords];
        HashNonce(nonce, finalState);
        Sha256.WriteDigest(finalState, hash);
    }
}
