using Energy.Gpu.Mining;

namespace Energy.Gpu.Tests.Mining;

/// <summary>Real Bitcoin main-net headers (fields as block explorers show them).</summary>
internal static class KnownBlocks
{
    public const string GenesisHash = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
    public const uint GenesisNonce = 2083236893;

    public const string Block125552Hash = "00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d";
    public const uint Block125552Nonce = 2504433986;

    public static BlockHeader Genesis() => new(
        1,
        new byte[32],
        DisplayHash.Parse("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"),
        1231006505,
        0x1d00ffff,
        GenesisNonce);

    public static BlockHeader Block125552() => new(
        1,
        DisplayHash.Parse("00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81"),
        DisplayHash.Parse("2b12fcf1b09288fcaff797d71e950e71ae42b91e8bdb2304758dfcffc2b620e3"),
        1305998791,
        440711666,
        Block125552Nonce);
}
