using Energy.Contracts.Units;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Tests.Controller.Agents;

namespace Energy.Scheduler.Tests.Controller.DemandResponse;

/// <summary>The contract's cap is 10 kW.</summary>
public class GridLimitTests
{
    private static readonly DateTimeOffset Now = FleetRig.Start;

    private readonly GridLimit _limit = new(FleetRig.MakeSite(10_000));

    [Fact]
    public void CapAt_NoCurtailment_ContractCap()
    {
        Assert.Equal(Power.FromKilowatts(10), _limit.CapAt(Now));
        Assert.Equal(Power.FromKilowatts(10), _limit.ContractCap);
    }

    [Fact]
    public void CapAt_Overlapping_LowestWinsUntilItExpires()
    {
        _limit.Curtail("a", Power.FromKilowatts(6), Now, Now.AddMinutes(10), "tso");
        _limit.Curtail("b", Power.FromKilowatts(4), Now, Now.AddMinutes(5), null);

        Assert.Equal(Power.FromKilowatts(4), _limit.CapAt(Now));
        Assert.Equal(Power.FromKilowatts(4), _limit.CapAt(Now.AddMinutes(5).AddTicks(-1)));
        Assert.Equal(Power.FromKilowatts(6), _limit.CapAt(Now.AddMinutes(5)));
        Assert.Equal(Power.FromKilowatts(10), _limit.CapAt(Now.AddMinutes(10)));
        Assert.Empty(_limit.Active(Now.AddMinutes(10)));
    }

    [Fact]
    public void CapAt_CurtailmentAboveTheContract_ContractCap()
    {
        _limit.Curtail("a", Power.FromKilowatts(12), Now, Now.AddMinutes(10), null);

        Assert.Equal(Power.FromKilowatts(10), _limit.CapAt(Now));
    }

    [Fact]
    public void Curtail_SameIdInForce_RefusedNotReplaced()
    {
        Assert.Equal(CurtailOutcome.InForce, _limit.Curtail("a", Power.FromKilowatts(4), Now, Now.AddMinutes(10), null));

        Assert.Equal(CurtailOutcome.IdInForce, _limit.Curtail("a", Power.FromKilowatts(7), Now, Now.AddMinutes(10), "eased", "http:10.0.0.9"));

        Assert.Equal(Power.FromKilowatts(4), _limit.CapAt(Now));
        Assert.Null(Assert.Single(_limit.Active(Now)).Reason);
    }

    [Fact]
    public void Curtail_SameIdAfterItExpired_Accepted()
    {
        _limit.Curtail("a", Power.FromKilowatts(4), Now, Now.AddMinutes(10), null);

        Assert.Equal(CurtailOutcome.InForce, _limit.Curtail("a", Power.FromKilowatts(7), Now.AddMinutes(10), Now.AddMinutes(20), null));
        Assert.Equal(Power.FromKilowatts(7), _limit.CapAt(Now.AddMinutes(10)));
    }

    [Fact]
    public void Curtail_MoreThanMaxActive_RefusedAndTheLowestStillWins()
    {
        for (var i = 0; i < GridLimit.MaxActive; i++)
        {
            Assert.Equal(CurtailOutcome.InForce, _limit.Curtail($"c{i}", Power.FromKilowatts(5 + (i % 3)), Now, Now.AddMinutes(10), null));
        }

        Assert.Equal(CurtailOutcome.TooMany, _limit.Curtail("one-more", Power.FromKilowatts(1), Now, Now.AddMinutes(10), null));
        Assert.Equal(GridLimit.MaxActive, _limit.Active(Now).Count);
        Assert.Equal(Power.FromKilowatts(5), _limit.CapAt(Now));
    }

    [Fact]
    public void Cancel_Known_RemovedAndCapRestored()
    {
        _limit.Curtail("a", Power.FromKilowatts(4), Now, Now.AddMinutes(10), null);

        Assert.Equal(CancelOutcome.Cancelled, _limit.Cancel("a", Now));
        Assert.Equal(CancelOutcome.NotInForce, _limit.Cancel("a", Now));
        Assert.Equal(CancelOutcome.NotInForce, _limit.Cancel("never", Now));
        Assert.Equal(Power.FromKilowatts(10), _limit.CapAt(Now));
    }
}
