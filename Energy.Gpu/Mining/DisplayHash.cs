namespace Energy.Gpu.Mining;

/// <summary>
/// Bitcoin shows 32-byte hashes byte-reversed (Bitcoin Core uint256::GetHex); headers, merkle
/// branches and targets hold them in internal order. Conversions between the two live here.
/// </summary>
public static class DisplayHash
{
    public const int Bytes = 32;

    /// <summary>Internal-order bytes from the displayed hex (e.g. a block explorer's hash).</summary>
    public static byte[] Parse(string displayHex)
    {
        ArgumentNullException.ThrowIfNull(displayHex);
        var bytes = Convert.FromHexString(displayHex);
        ArgumentOutOfRangeException.ThrowIfNotEqual(bytes.Length, Bytes, nameof(displayHex));
        bytes.AsSpan().Reverse();
        return bytes;
    }

    /// <summary>Displayed hex (lower case) of internal-order bytes.</summary>
    public static string Format(ReadOnlySpan<byte> internalOrder)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(internalOrder.Length, Bytes, nameof(internalOrder));
        Span<byte> reversed = stackalloc byte[Bytes];
        internalOrder.CopyTo(reversed);
        reversed.Reverse();
        return Convert.ToHexStringLower(reversed);
    }
}
