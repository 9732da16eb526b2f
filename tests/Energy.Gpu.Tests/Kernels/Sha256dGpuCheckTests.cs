using System.Globalization;
using System.Text.RegularExpressions;
using Energy.Gpu.Mining;
using Energy.Gpu.Tests.Mining;

namespace Energy.Gpu.Tests.Kernels;

/// <summary>sha256d_gpu_check.cpp carries the genesis words and header as constants; they must be what the host code produces.</summary>
public partial class Sha256dGpuCheckTests
{
    private static readonly string CheckSource =
        File.ReadAllText(Path.Combine(TestSupport.RepoPaths.Root, "tests", "Energy.Gpu.Tests", "Kernels", "sha256d_gpu_check.cpp"));

    [Fact]
    public void GenesisWords_AreWhatSha256dKernelParametersPacks()
    {
        var expected = Sha256dKernelParameters.FromHeader(KnownBlocks.Genesis(), Target.DifficultyOne).Words.ToArray();

        var body = GenesisWords().Match(CheckSource).Groups["words"].Value;
        var words = HexWord().Matches(body).Select(m => uint.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

        Assert.Equal(expected, words);
    }

    [Fact]
    public void GenesisHeader_IsTheGenesisBlockWithoutItsNonce()
    {
        var hex = string.Concat(HeaderHex().Matches(CheckSource).Select(m => m.Groups[1].Value));

        Assert.Equal(Convert.ToHexStringLower(KnownBlocks.Genesis().ToBytes().AsSpan(0, BlockHeader.NonceOffset)), hex);
        Assert.Contains($"kGenesisNonce = {KnownBlocks.GenesisNonce}u;", CheckSource, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"kGenesisWords\[23\] = \{(?<words>[^}]*)\}")]
    private static partial Regex GenesisWords();

    [GeneratedRegex(@"0x([0-9a-f]{8})")]
    private static partial Regex HexWord();

    [GeneratedRegex(@"^\s+""([0-9a-f]+)""", RegexOptions.Multiline)]
    private static partial Regex HeaderHex();
}
