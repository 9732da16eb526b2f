using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Sites;

public class InferenceWorkloadTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>Demand equals the local hour × 10, so a test can read which hour was used.</summary>
    private static InferenceWorkload Workload(int sla = 0, int max = 1_000, IReadOnlyList<int>? demand = null) =>
        new("acme", ["liquid-h100"], "Acme AI", Money.Eur(2.1), sla, max, demand ?? Enumerable.Range(0, 24).Select(h => h * 10).ToList());

    [Theory]
    [InlineData("2024-07-01T10:00:00Z", 120)]   // 12:00 CEST
    [InlineData("2024-01-15T10:00:00Z", 110)]   // 11:00 CET
    [InlineData("2024-07-01T22:30:00Z", 0)]     // 00:30 CEST, next local day
    public void DemandAt_Instant_UsesTheLocalHour(string instant, int expected)
    {
        var demand = Workload().DemandAt(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), Berlin);

        Assert.Equal(expected, demand);
    }

    [Fact]
    public void DemandAt_AcrossSpringDstChange_SkipsLocalHourTwo()
    {
        var workload = Workload();

        Assert.Equal(10, workload.DemandAt(new DateTimeOffset(2024, 3, 31, 0, 30, 0, TimeSpan.Zero), Berlin));
        Assert.Equal(30, workload.DemandAt(new DateTimeOffset(2024, 3, 31, 1, 30, 0, TimeSpan.Zero), Berlin));
    }

    [Fact]
    public void DemandAt_DemandBelowSla_IsRaisedToSla()
    {
        var workload = Workload(sla: 96);

        Assert.Equal(96, workload.DemandAt(new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero), Berlin));
    }

    [Fact]
    public void DemandAt_DemandAboveContract_IsCappedAtMax()
    {
        var workload = Workload(max: 150);

        Assert.Equal(150, workload.DemandAt(new DateTimeOffset(2024, 7, 1, 18, 0, 0, TimeSpan.Zero), Berlin));
    }

    [Fact]
    public void DemandAt_DemandWithinRange_IsUnchanged()
    {
        var workload = Workload(sla: 50, max: 150);

        Assert.Equal(100, workload.DemandAt(new DateTimeOffset(2024, 7, 1, 8, 0, 0, TimeSpan.Zero), Berlin));
    }

    [Fact]
    public void MayRunOn_ListedAndUnlistedPools_OnlyListed()
    {
        var workload = Workload();
        var listed = new GpuPool("liquid-h100", "H100", 1, Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700), null, 0);

        Assert.True(workload.MayRunOn(listed));
        Assert.False(workload.MayRunOn(listed with { Name = "air-l40s" }));
        Assert.Equal(WorkloadKind.Inference, workload.Kind);
    }
}
