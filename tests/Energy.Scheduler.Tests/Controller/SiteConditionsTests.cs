using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Planning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller;

/// <summary>What the controller tells the planner: curtailments, offline agents' GPUs, hot loops' pools.</summary>
public sealed class SiteConditionsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 16, 8, 0, 0, TimeSpan.Zero));
    private readonly Site _site = TestSites.BathhouseWith(
        "    dryCoolerKw: 700             # surplus heat can always be thrown away",
        "    dryCoolerKw: 700\n    maxCoolantTemperatureC: 50");
    private readonly GridLimit _limit;
    private readonly Fleet _fleet;
    private IReadOnlyList<string> _hot = [];

    public SiteConditionsTests()
    {
        _limit = new GridLimit(_site);
        _fleet = new Fleet(_site, _time, NullLogger<Fleet>.Instance);
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void Current_NothingUnusual_None()
    {
        Hello("rack-1", "liquid-h100", 4);

        Assert.True(Conditions().Current(Now).IsNone);
    }

    [Fact]
    public void Current_Curtailment_AWindowNamingItAndNoneAboveTheContract()
    {
        _limit.Curtail("tso-7", Power.FromKilowatts(300), Now, Now.AddMinutes(30), "congestion");
        _limit.Curtail("loose", Power.FromKilowatts(2000), Now, Now.AddMinutes(30), null);

        var window = Assert.Single(Conditions().Current(Now).CapWindows);

        Assert.Equal(new CapWindow(Now, Now.AddMinutes(30), Power.FromKilowatts(300), "curtailment tso-7 (congestion)"), window);
        Assert.True(Conditions().Current(Now.AddMinutes(30)).IsNone);
    }

    [Fact]
    public void Current_AgentOffline_ItsGpusAtTheSafeStatePower()
    {
        Hello("rack-1", "liquid-h100", 4);
        _fleet.OnOffline("rack-1", Now);
        Assert.True(Conditions().Current(Now).IsNone);   // not yet silent for long
        _time.Advance(SiteConditions.PlanAroundAfter);

        var gone = Assert.Single(Conditions().Current(Now).Unavailable);

        Assert.Equal(new UnavailableGpus("liquid-h100", 4, "agent rack-1 offline", _site.Pool("liquid-h100").IdlePowerPerGpu), gone);
    }

    [Fact]
    public void Current_LoopTooHot_EveryPoolOnItAtIdle()
    {
        _hot = ["bath"];

        var gone = Assert.Single(Conditions().Current(Now).Unavailable);

        Assert.Equal(new UnavailableGpus("liquid-h100", 1024, "bath coolant above its 50 °C limit"), gone);
    }

    [Fact]
    public void Current_ControlLoopMeasuresTheBaseLoad_PlannedWithItAndTheMetersMargin()
    {
        var control = new ControlState { BaseLoad = new BaseLoadState(Power.FromKilowatts(260), CapBasis.Meter, Power.FromKilowatts(700), Now, null) };

        var conditions = new SiteConditions(_site, _limit, _fleet, control).Current(Now);

        Assert.Equal((260.0, "measured by the site meter", 0.02), (conditions.BaseLoad!.Value.Kilowatts, conditions.BaseLoadWhy, conditions.CapMargin));
    }

    [Fact]
    public void Current_MeterLost_PlannedWithTheAssumedWorst()
    {
        var control = new ControlState { BaseLoad = new BaseLoadState(Power.FromKilowatts(350), CapBasis.MeterLost, null, null, "site meter is stale") };

        var conditions = new SiteConditions(_site, _limit, _fleet, control).Current(Now);

        Assert.Equal((350.0, "assumed while the site meter is lost"), (conditions.BaseLoad!.Value.Kilowatts, conditions.BaseLoadWhy));
    }

    [Fact]
    public void Current_NoMeter_TheSiteFilesBaseLoadAndNoMargin()
    {
        var site = _site with { Grid = _site.Grid with { Meter = null } };
        var control = new ControlState { BaseLoad = new BaseLoadState(site.Grid.BaseLoad, CapBasis.Model, null, null, null) };

        Assert.Same(PlanningConditions.None, new SiteConditions(site, new GridLimit(site), _fleet, control).Current(Now));
    }

    private SiteConditions Conditions() => new(_site, _limit, _fleet, new ControlState { HotLoops = _hot });

    private void Hello(string node, string pool, int gpus) => _fleet.OnHeartbeat(new AgentHeartbeat(AgentJson.Version, node, true, Now, "simulated", 10, 0,
        [.. Enumerable.Range(0, gpus).Select(i => new GpuInventoryItem($"{node}/{i}", pool, "H100", 200, 70, 700))]), Now);
}
