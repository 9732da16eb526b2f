using Energy.Gpu.Mining;

namespace Energy.Gpu.Tests.Mining;

public class Sha256dLaunchGeometryTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1 << 20, 1)]
    [InlineData((1 << 20) + 1, 2)]
    [InlineData(1 << 30, 1024)]
    [InlineData(1L << 31, 2048)]
    public void BlocksFor_DefaultGeometry_RoundsUp(long nonces, int blocks)
    {
        Assert.Equal(blocks, Sha256dLaunchGeometry.Default.BlocksFor(nonces));
    }

    [Theory]
    [InlineData(0)]
    [InlineData((1L << 31) + 1)]
    public void BlocksFor_NotALaunch_Throws(long nonces)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sha256dLaunchGeometry.Default.BlocksFor(nonces));
    }

    [Fact]
    public void FillingOneWave_H100SizedGrid_CoversTheLaunchWithTheResidentBlocks()
    {
        // 132 SMs × 8 resident blocks of 256 threads.
        var geometry = Sha256dLaunchGeometry.FillingOneWave(1 << 30, 256, 132 * 8);

        Assert.Equal(256, geometry.ThreadsPerBlock);
        Assert.Equal(3972, geometry.NoncesPerThread);
        Assert.Equal(132 * 8, geometry.BlocksFor(1 << 30));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1025, 1)]
    [InlineData(256, 0)]
    public void Constructor_OutOfRange_Throws(int threadsPerBlock, int noncesPerThread)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sha256dLaunchGeometry(threadsPerBlock, noncesPerThread));
    }
}
