using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Tests.Controller.Agents;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.DemandResponse;

/// <summary><see cref="CurtailmentListener.Apply"/> on a site whose contract allows 10 kW.</summary>
public class CurtailmentListenerTests
{
    private readonly FakeTimeProvider _time = new(FleetRig.Start);
    private readonly GridLimit _limit;
    private readonly DemandResponseLog _evidence = new(null, NullLogger<DemandResponseLog>.Instance);

    public CurtailmentListenerTests() => _limit = new GridLimit(FleetRig.MakeSite(10_000));

    private static DateTimeOffset SeenAt => FleetRig.Start - TimeSpan.FromMilliseconds(20);

    private string? Apply(CurtailmentRequest request) =>
        CurtailmentListener.Apply(_limit, FleetRig.MakeSite(10_000), _evidence, request, SeenAt, _time);

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Apply_NoId_Refused(string id)
    {
        Assert.Equal("a curtailment needs an id", Apply(new CurtailmentRequest(1, id, 5, 600, null)));
        Assert.Empty(_evidence.Latest());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Apply_TargetNotAPower_Refused(double targetKw)
    {
        Assert.StartsWith("targetKw must be a power of 0 kW or more", Apply(new CurtailmentRequest(1, "c1", targetKw, 600, null)), StringComparison.Ordinal);
        Assert.Equal(Power.FromKilowatts(10), _limit.CapAt(SeenAt));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(double.NaN)]
    [InlineData(86_401)]
    public void Apply_DurationNotWithinADay_Refused(double seconds)
    {
        Assert.StartsWith("durationSeconds must be more than 0 and at most one day", Apply(new CurtailmentRequest(1, "c1", 5, seconds, null)), StringComparison.Ordinal);
        Assert.Empty(_limit.Active(SeenAt));
    }

    [Fact]
    public void Apply_Valid_CapLoweredForItsDurationAndEvidenceRecorded()
    {
        Assert.Null(Apply(new CurtailmentRequest(1, "tso-1", 4, 900, "TSO")));

        Assert.Equal(Power.FromKilowatts(4), _limit.CapAt(SeenAt));
        Assert.Equal(Power.FromKilowatts(10), _limit.CapAt(SeenAt.AddSeconds(900)));
        var e = Assert.Single(_evidence.Latest());
        Assert.Equal(("controller", "tso-1", "curtail"), (e.Node, e.Id, e.Kind));
        Assert.Equal((4.0, 4.0, 900.0), (e.Trigger, e.Threshold, e.DeadlineSeconds));
        Assert.Equal((SeenAt, SeenAt, FleetRig.Start), (e.SignalAt, e.SeenAt, e.CommandedAt));
    }

    [Fact]
    public void Apply_TargetAboveTheContract_ThresholdIsTheContractCap()
    {
        Assert.Null(Apply(new CurtailmentRequest(1, "tso-1", 12, 86_400, null)));

        Assert.Equal(10, Assert.Single(_evidence.Latest()).Threshold);
        Assert.Equal(Power.FromKilowatts(10), _limit.CapAt(SeenAt));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("line\nbreak")]
    [InlineData("ünïcode")]
    public void Apply_IdNotOfTheCharset_Refused(string id)
    {
        Assert.StartsWith("id must be 1 to 64 characters", Apply(new CurtailmentRequest(1, id, 5, 600, null)), StringComparison.Ordinal);
        Assert.Empty(_limit.Active(SeenAt));
    }

    [Fact]
    public void Apply_IdOrReasonTooLong_Refused()
    {
        Assert.StartsWith("id must be 1 to 64", Apply(new CurtailmentRequest(1, new string('i', 65), 5, 600, null)), StringComparison.Ordinal);
        Assert.StartsWith("reason must be at most 256", Apply(new CurtailmentRequest(1, "c1", 5, 600, new string('r', 257))), StringComparison.Ordinal);
        Assert.StartsWith("reason must be at most 256", Apply(new CurtailmentRequest(1, "c1", 5, 600, "bell\u0007")), StringComparison.Ordinal);
        Assert.Null(Apply(new CurtailmentRequest(1, new string('i', 64), 5, 600, new string('r', 256))));
    }

    [Fact]
    public void Decide_IdInForce_RefusedSayingWhatHoldsAndNoSecondEvidence()
    {
        Assert.Null(Apply(new CurtailmentRequest(1, "tso-1", 4, 900, null)));

        var again = CurtailmentListener.Decide(_limit, FleetRig.MakeSite(10_000), _evidence, new CurtailmentRequest(1, "tso-1", 9, 60, "eased"), SeenAt, _time,
            caller: "mqtt:heatgrid/site/dr/curtail");

        Assert.Equal(CurtailOutcome.IdInForce, again.Outcome);
        Assert.Contains("is already in force (4 kW until", again.Message, StringComparison.Ordinal);
        Assert.Equal(Power.FromKilowatts(4), _limit.CapAt(SeenAt));
        Assert.Single(_evidence.Latest());
    }
}
