namespace Energy.Gpu.Mining;

/// <summary>
/// Bitcoin's genesis block header: a known answer for the GPU. Its nonce space holds exactly one
/// nonce that meets its own target (nBits 0x1d00ffff), <see cref="Nonce"/>, so a full pass over the
/// space checks the kernel end to end.
/// </summary>
public static class GenesisBlock
{
    /// <summary>The nonce of the mined block.</summary>
    public const uint Nonce = 2083236893;

    /// <summary>Block hash as explorers display it.</summary>
    public const string DisplayHashHex = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";

    /// <summary>The header with nonce 0; its fields as block explorers show them.</summary>
    public static BlockHeader Header() => new(
        1,
        new byte[DisplayHash.Bytes],
        DisplayHash.Parse("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"),
        1231006505,
        0x1d00ffff,
        0);
}
