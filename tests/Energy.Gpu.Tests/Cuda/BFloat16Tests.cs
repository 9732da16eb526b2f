using Energy.Gpu.Cuda;

namespace Energy.Gpu.Tests.Cuda;

public class BFloat16Tests
{
    [Theory]
    [InlineData(1f, 0x3F80)]
    [InlineData(-2f, 0xC000)]
    [InlineData(0f, 0x0000)]
    [InlineData(float.PositiveInfinity, 0x7F80)]
    [InlineData(float.MaxValue, 0x7F80)]
    [InlineData(1f + (1f / 256), 0x3F80)]
    [InlineData(1f + (3f / 256), 0x3F82)]
    [InlineData(1f + (1.5f / 256), 0x3F81)]
    public void FromSingle_RoundsToNearestEven(float value, int expectedBits)
    {
        Assert.Equal((ushort)expectedBits, BFloat16.FromSingle(value).Bits);
    }

    [Fact]
    public void FromSingle_NaN_StaysNaN()
    {
        Assert.True(float.IsNaN(BFloat16.FromSingle(float.NaN).ToSingle()));
    }

    [Theory]
    [InlineData(3.5f)]
    [InlineData(-0.15625f)]
    [InlineData(65536f)]
    public void ToSingle_RepresentableValues_RoundTrip(float value)
    {
        Assert.Equal(value, BFloat16.FromSingle(value).ToSingle());
    }
}
