using System.Globalization;
using System.Text.RegularExpressions;
using Energy.Gpu.Kernels;
using Energy.Gpu.Pouw;

namespace Energy.Gpu.Tests.Kernels;

public sealed class CudaPouwKernelParametersTests
{
    private static readonly PouwParameters Shape = new(48, 64, 1024, 64, 16, 16, 256);
    private static readonly byte[] Zero = new byte[32];

    [Theory]
    [InlineData("POUW_NOISE_COLS", CudaPouwKernelParameters.NoiseCols)]
    [InlineData("POUW_NOISE_ROWS", CudaPouwKernelParameters.NoiseRows)]
    [InlineData("POUW_PROJECT_ROWS", CudaPouwKernelParameters.ProjectRows)]
    [InlineData("POUW_PROJECT_THREADS", CudaPouwKernelParameters.ProjectThreads)]
    [InlineData("POUW_MAX_PLANES", CudaPouwKernelParameters.MaxPlanes)]
    [InlineData("POUW_WINNER_WORDS", CudaPouwKernelParameters.WinnerWords)]
    [InlineData("POUW_TILE", CudaPouwKernelParameters.Tile)]
    [InlineData("POUW_WARPS_M", 2)]
    [InlineData("POUW_WARPS_N", 2)]
    public void Constants_MirrorTheKernelMacros(string macro, int value)
    {
        var match = Regex.Match(KernelSource.Read(KernelSource.Pouw), $@"#define {macro} (?<value>\d+)\n");

        Assert.True(match.Success, macro);
        Assert.Equal(value, int.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(CudaPouwKernelParameters.NoiseCols, CudaPouwKernelParameters.NoiseThreads);
    }

    [Theory]
    [InlineData(CudaPouwKernelParameters.NoiseKernel)]
    [InlineData(CudaPouwKernelParameters.MineKernel)]
    [InlineData(CudaPouwKernelParameters.ProjectKernel)]
    public void Kernels_DeclareTheParametersInTheOrderTheHostPacksThem(string kernel)
    {
        var signature = Regex.Match(KernelSource.Read(KernelSource.Pouw), @"__global__ void " + kernel + @"\((?<parameters>[^)]*)\)");

        Assert.True(signature.Success, kernel);
        var declared = signature.Groups["parameters"].Value.Split(',').Select(p => p.Trim().Split(' ', '*')[^1]).ToList();
        Assert.Equal(CudaPouwKernelParameters.ParameterNames[kernel], declared);
    }

    [Theory]
    [InlineData(8, 16)]
    [InlineData(16, 32)]
    [InlineData(32, 32)]
    public void Refusal_TilesOtherThan16x16(int tileH, int tileW)
    {
        var p = new PouwParameters(64, 64, 256, 8, tileH, tileW, 64);

        Assert.Null(p.Check());
        Assert.Contains("16×16 hash tiles only", CudaPouwKernelParameters.Refusal(p), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CudaPouwKernelParameters.Create(p, Zero, Zero, Zero, Zero));
    }

    [Fact]
    public void Refusal_OutOfBoundsParameters_GiveTheBoundsReason()
    {
        var p = Shape with { Chunk = 48 };

        Assert.Equal(p.Check(), CudaPouwKernelParameters.Refusal(p));
        Assert.Null(CudaPouwKernelParameters.Refusal(Shape));
    }

    [Fact]
    public void Create_RefusesValuesThatAreNot32Bytes()
    {
        Assert.Throws<ArgumentException>(() => CudaPouwKernelParameters.Create(Shape, new byte[31], Zero, Zero, Zero));
        Assert.Throws<ArgumentException>(() => CudaPouwKernelParameters.Create(Shape, Zero, Zero, Zero, new byte[33]));
    }

    [Fact]
    public void Words_SeedsAndKeyLittleEndian_TargetBigEndianMostSignificantFirst()
    {
        var seedE = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var seedF = Enumerable.Range(0, 32).Select(i => (byte)(0xf0 + (i % 16))).ToArray();
        var key = Enumerable.Range(0, 32).Select(i => (byte)(0x40 + i)).ToArray();
        byte[] target = [0x00, 0x00, 0xff, 0x12, .. Enumerable.Repeat((byte)0xab, 28)];

        var host = CudaPouwKernelParameters.Create(Shape, seedE, seedF, key, target);

        Assert.Equal([0x03020100u, 0x07060504u, 0x0b0a0908u, 0x0f0e0d0cu], host.SeedEWords);
        Assert.Equal([0xf3f2f1f0u, 0xf7f6f5f4u, 0xfbfaf9f8u, 0xfffefdfcu], host.SeedFWords);
        Assert.Equal(0x43424140u, host.KeyAndTarget[0]);
        Assert.Equal(0x5f5e5d5cu, host.KeyAndTarget[7]);
        Assert.Equal(0x0000ff12u, host.KeyAndTarget[8]);
        Assert.Equal(0xababababu, host.KeyAndTarget[15]);
        Assert.Equal(16, host.KeyAndTarget.Length);
        Assert.Equal(3L * 4 * 4, host.DigestWords);
    }

    [Fact]
    public void Geometry_CoversEveryRowAndTile()
    {
        var host = CudaPouwKernelParameters.Create(Shape, Zero, Zero, Zero, Zero);

        Assert.Equal(new PouwLaunch(new(8, 2), new(128)), host.Noise(48));
        Assert.Equal(new PouwLaunch(new(8, 2), new(128)), host.Noise(64));
        Assert.Equal(new PouwLaunch(new(2, 2), new(128)), host.Mine(new CudaPouwKernelOptions()));
        Assert.Equal(new PouwLaunch(new(2, 1), new(256)), host.Mine(new CudaPouwKernelOptions { WarpsM = 4, WarpsN = 2 }));
        Assert.Equal(new PouwLaunch(new(1), new(128)), CudaPouwKernelParameters.Project(48));
        Assert.Equal(new PouwLaunch(new(2), new(128)), CudaPouwKernelParameters.Project(80));
    }

    [Fact]
    public void CompileOptions_DefineTheTranscriptAndTheWarpGrid()
    {
        Assert.Equal(["-DPOUW_TRANSCRIPT=1", "-DPOUW_WARPS_M=2", "-DPOUW_WARPS_N=2"], new CudaPouwKernelOptions().CompileOptions());
        Assert.Equal(["-DPOUW_TRANSCRIPT=0", "-DPOUW_WARPS_M=4", "-DPOUW_WARPS_N=2"], new CudaPouwKernelOptions { Transcript = false, WarpsM = 4 }.CompileOptions());
        Assert.Equal(256, new CudaPouwKernelOptions { WarpsM = 4 }.MineThreads);
        Assert.Throws<ArgumentException>(() => new CudaPouwKernelOptions { WarpsM = 8, WarpsN = 8 }.CompileOptions());
        Assert.Throws<ArgumentException>(() => new CudaPouwKernelOptions { WarpsN = 0 }.CompileOptions());
    }

    [Fact]
    public void ReadWinners_KeepsCapacityEntries_HashFromBigEndianStateWords()
    {
        var buffer = new uint[CudaPouwKernelParameters.WinnerBufferWords(2)];
        buffer[0] = 5;
        uint[] first = [3, 1, 0x00010203, 0x04050607, 0x08090a0b, 0x0c0d0e0f, 0x10111213, 0x14151617, 0x18191a1b, 0x1c1d1e1f];
        first.CopyTo(buffer, 1);
        buffer[11] = 0;
        buffer[12] = 2;

        var winners = CudaPouwKernelParameters.ReadWinners(buffer, 2);

        Assert.Equal(21, buffer.Length);
        Assert.Equal(2, winners.Count);
        Assert.Equal((3, 1), (winners[0].Ti, winners[0].Tj));
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), winners[0].Hash);
        Assert.Equal((0, 2), (winners[1].Ti, winners[1].Tj));
        Assert.Empty(CudaPouwKernelParameters.ReadWinners([0u, .. new uint[10]], 1));
        Assert.Throws<ArgumentException>(() => CudaPouwKernelParameters.ReadWinners(new uint[20], 2));
    }
}
