using System.Buffers.Binary;

namespace Energy.Gpu.Mining.Stratum;

/// <summary>
/// Stratum v1 sends the previous block hash as eight 4-byte words, each word's bytes reversed
/// relative to the header's internal order (a legacy of pools that handed miners getwork data as
/// big-endian 32-bit words). Swapping the bytes within each word converts either way; the operation
/// is its own inverse. For block 125552's parent (display 00000000000008a3…ab02cd81) the wire form is
/// ab02cd81 8b9e567e … 000008a3 00000000: the display hash's words in reverse order.
/// </summary>
public static class StratumPrevHash
{
    private const int WordBytes = 4;

    public static byte[] ToHeaderOrder(string stratumHex)
    {
        ArgumentNullException.ThrowIfNull(stratumHex);
        var bytes = Convert.FromHexString(stratumHex);
        ArgumentOutOfRangeException.ThrowIfNotEqual(bytes.Length, DisplayHash.Bytes, nameof(stratumHex));
        SwapWords(bytes);
        return bytes;
    }

    public static string ToStratumHex(ReadOnlySpan<byte> headerOrder)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(headerOrder.Length, DisplayHash.Bytes, nameof(headerOrder));
        Span<byte> bytes = stackalloc byte[DisplayHash.Bytes];
        headerOrder.CopyTo(bytes);
        SwapWords(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static void SwapWords(Span<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i += WordBytes)
        {
            var word = bytes.Slice(i, WordBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(word, BinaryPrimitives.ReadUInt32BigEndian(word));
        }
    }
}
