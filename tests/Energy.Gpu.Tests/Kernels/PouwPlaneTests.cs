using Energy.Gpu.Pouw;
using Energy.TestSupport.Tools;

namespace Energy.Gpu.Tests.Kernels;

/// <summary>
/// The plane split of the fused denoising (pouw.cu's pouw_plane_digit, stored by pouw_project; mirrored by
/// <see cref="CudaPouwKernelParameters.PlaneDigits"/>) at its edges, and the plane counts the host asks for.
/// </summary>
public sealed class PouwPlaneTests(PouwCpuHarness harness) : IClassFixture<PouwCpuHarness>
{
    // The largest and smallest values P planes of digits in [−128, 127] hold: 127·(256^P − 1)/255 and −128·(256^P − 1)/255.
    private static long Max(int planes) => 127L * (((1L << (8 * planes)) - 1) / 255);

    private static long Min(int planes) => -128L * (((1L << (8 * planes)) - 1) / 255);

    private static readonly int[] Edges =
    [
        0, 1, -1, 127, 128, -128, -129, 255, 256, -256, -255, 0x80, 0x8080, -0x8080, 0x7f7f, 0xff80,
        (int)Max(2), (int)Max(2) + 1, (int)Min(2), (int)Min(2) - 1,
        (int)Max(3), (int)Max(3) + 1, (int)Min(3), (int)Min(3) - 1,
        (1 << 23) - 1, 1 << 23, -(1 << 23), -(1 << 23) + 1, 127 * 65_536, -128 * 65_536, 64 * 65_536, -64 * 65_536,
        (1 << 30) - 1, -(1 << 30),
    ];

    [Theory]
    [InlineData(32, 2)]
    [InlineData(224, 2)]
    [InlineData(256, 3)]
    [InlineData(8192, 3)]
    [InlineData(65_248, 3)]
    [InlineData(65_280, 4)]
    [InlineData(65_536, 4)]
    public void PlanesFor_TheFewestThatHold128k(int k, int planes)
    {
        Assert.Equal(planes, CudaPouwKernelParameters.PlanesFor(k));
    }

    [Fact]
    public void PlanesFor_EveryK_HoldsBothProjectionBounds_AndOneFewerDoesNot()
    {
        for (var k = 32; k <= PouwParameters.MaxK; k += 32)
        {
            var planes = CudaPouwKernelParameters.PlanesFor(k);
            var digits = new sbyte[planes];
            // |V| ≤ 128·k (W' may be −128), |U| ≤ (128 − r)·k: both signs, through the split itself.
            Assert.Equal(0, CudaPouwKernelParameters.PlaneDigits(128 * k, digits));
            Assert.Equal(128L * k, Recombine(digits));
            Assert.Equal(0, CudaPouwKernelParameters.PlaneDigits(-128 * k, digits));
            Assert.Equal(-128L * k, Recombine(digits));
            Assert.InRange(planes, 2, CudaPouwKernelParameters.MaxPlanes);
            Assert.NotEqual(0, CudaPouwKernelParameters.PlaneDigits(128 * k, new sbyte[planes - 1]));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => CudaPouwKernelParameters.PlanesFor(PouwParameters.MaxK + 1));
    }

    [Fact]
    public void PlaneDigits_AtTheEdges_RecombineExactlyWhereTheyFit()
    {
        foreach (var value in Edges)
        {
            for (var planes = 1; planes <= CudaPouwKernelParameters.MaxPlanes; planes++)
            {
                var digits = new sbyte[planes];
                var rest = CudaPouwKernelParameters.PlaneDigits(value, digits);
                var fits = value >= Min(planes) && value <= Max(planes);
                Assert.True(fits == (rest == 0), $"{value} in {planes} planes: remainder {rest}");
                Assert.Equal((long)value, Recombine(digits) + (rest * (1L << (8 * planes))));
            }
        }
    }

    [Fact]
    public void PlaneDigits_NegativeLowBytesCarryIntoTheNextPlane()
    {
        var digits = new sbyte[3];

        Assert.Equal(0, CudaPouwKernelParameters.PlaneDigits(128, digits));
        Assert.Equal([-128, 1, 0], digits);
        Assert.Equal(0, CudaPouwKernelParameters.PlaneDigits(0xff80, digits));
        Assert.Equal([-128, 0, 1], digits);
        Assert.Equal(0, CudaPouwKernelParameters.PlaneDigits(-129, digits));
        Assert.Equal([127, -1, 0], digits);
        Assert.Equal(0, CudaPouwKernelParameters.PlaneDigits(0, digits));
        Assert.Equal([0, 0, 0], digits);
        Assert.Equal(0, CudaPouwKernelParameters.PlaneDigits(-(1 << 23), digits));
        Assert.Equal([0, 0, -128], digits);
        // 2^23 itself needs a fourth plane: the third digit would be 128.
        Assert.Equal(1, CudaPouwKernelParameters.PlaneDigits(1 << 23, digits));
    }

    [RequiresGccFact]
    public void TheKernelsSplit_IsTheHostsSplit_AtTheEdgesAndOnRandomValues()
    {
        var random = new Random(23);
        var values = Edges.Concat(Enumerable.Range(0, 2_000).Select(_ => random.Next(-(1 << 30), 1 << 30))).ToArray();
        for (var planes = 1; planes <= CudaPouwKernelParameters.MaxPlanes; planes++)
        {
            var (digits, rests) = harness.SplitPlanes(values, planes);
            for (var i = 0; i < values.Length; i++)
            {
                var expected = new sbyte[planes];
                var rest = CudaPouwKernelParameters.PlaneDigits(values[i], expected);
                Assert.Equal(expected, digits[i]);
                Assert.Equal(rest, rests[i]);
            }
        }
    }

    private static long Recombine(sbyte[] digits)
    {
        var value = 0L;
        for (var p = digits.Length - 1; p >= 0; p--)
        {
            value = (value * 256) + digits[p];
        }

        return value;
    }
}
