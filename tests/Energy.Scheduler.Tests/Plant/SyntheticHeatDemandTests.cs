using Energy.Scheduler.Plant;
using Energy.TestSupport.Sites;
using SupportSites = Energy.TestSupport.Sites.TestSites;

namespace Energy.Scheduler.Tests.Plant;

public class SyntheticHeatDemandTests
{
    private static readonly TimeZoneInfo Berlin = SupportSites.Berlin;

    private static DateTimeOffset Local(int year, int month, int day, int hour) =>
        new(new DateTime(year, month, day, hour, 0, 0, DateTimeKind.Unspecified), Berlin.GetUtcOffset(new DateTime(year, month, day, hour, 0, 0, DateTimeKind.Unspecified)));

    [Fact]
    public void At_EveryQuarterHourOfAYear_BetweenZeroAndPeak()
    {
        var loop = TestHeatLoops.Loop(peakDemandKw: 750);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

        for (var t = start; t < start.AddYears(1); t += TimeSpan.FromMinutes(15))
        {
            var demand = SyntheticHeatDemand.At(loop, t, Berlin);

            Assert.InRange(demand.Kilowatts, 0, 750);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(12)]
    [InlineData(20)]
    public void At_SameLocalHour_WinterAboveSummer(int hour)
    {
        var loop = TestHeatLoops.Loop();

        var winter = SyntheticHeatDemand.At(loop, Local(2024, 1, 15, hour), Berlin);
        var summer = SyntheticHeatDemand.At(loop, Local(2024, 7, 15, hour), Berlin);

        Assert.True(winter > summer, $"winter {winter} should exceed summer {summer}");
    }

    [Fact]
    public void At_Summer_AboutAThirdOfWinter()
    {
        var loop = TestHeatLoops.Loop();

        var ratio = SyntheticHeatDemand.At(loop, Local(2024, 7, 15, 12), Berlin) / SyntheticHeatDemand.At(loop, Local(2024, 1, 15, 12), Berlin);

        Assert.InRange(ratio, 0.25, 0.5);
    }

    [Fact]
    public void At_Night_BelowOpenHours()
    {
        var loop = TestHeatLoops.Loop();

        Assert.True(SyntheticHeatDemand.At(loop, Local(2024, 3, 1, 2), Berlin) < SyntheticHeatDemand.At(loop, Local(2024, 3, 1, 12), Berlin));
    }

    [Fact]
    public void At_DoublePeak_DoublesDemand()
    {
        var instant = Local(2024, 11, 5, 9);

        var small = SyntheticHeatDemand.At(TestHeatLoops.Loop(peakDemandKw: 500), instant, Berlin);
        var large = SyntheticHeatDemand.At(TestHeatLoops.Loop(peakDemandKw: 1_000), instant, Berlin);

        Assert.Equal(2 * small.Watts, large.Watts, 6);
    }

    [Fact]
    public void At_SameInstant_IsDeterministic()
    {
        var instant = Local(2024, 2, 10, 17);

        Assert.Equal(SyntheticHeatDemand.At(TestHeatLoops.Loop(), instant, Berlin), SyntheticHeatDemand.At(TestHeatLoops.Loop(), instant, Berlin));
    }
}
