using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Sites;

public class GpuPoolTests
{
    private static readonly GpuPool AirCooled =
        new("air-l40s", "L40S 48GB", 4, Power.FromWatts(100), Power.FromWatts(35), Power.FromWatts(350), null, 0.3);

    [Fact]
    public void GridPowerFor_PoolWithCoolingOverhead_AddsTheOverhead()
    {
        Assert.Equal(1_300, AirCooled.GridPowerFor(Power.FromKilowatts(1)).Watts, 9);
    }

    [Fact]
    public void GridPowerFor_NoOverhead_IsTheGpuPower()
    {
        var liquid = AirCooled with { CoolingOverhead = 0 };

        Assert.Equal(Power.FromKilowatts(1), liquid.GridPowerFor(Power.FromKilowatts(1)));
    }

    [Fact]
    public void MaxPowerAndIdlePower_ArePerGpuTimesCount()
    {
        Assert.Equal(1_400, AirCooled.MaxPower.Watts, 9);
        Assert.Equal(140, AirCooled.IdlePower.Watts, 9);
    }
}
