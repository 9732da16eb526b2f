using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Gpu.Agents;
using Energy.TestSupport.Sites;
using static Energy.Gpu.Tests.Agents.AgentRig;

namespace Energy.Gpu.Tests.Agents;

/// <summary>
/// <see cref="AgentCore"/> enforcing the site file by itself, whatever a batch says (a correctly signed one
/// included): three GPUs whose own limits are 200–700 W in a pool the site file holds to 200–600 W (4 %
/// cooling), heater allowed only on another pool, a 1.5 kW import cap, a dead-man of 10 s.
/// </summary>
public class AgentCoreSiteFileTests
{
    private static readonly Site Site = TestSites.With(TestSites.Pool("p", 3, maxW: 600), TestSites.Pool("q", 2)) with
    {
        Grid = new GridConnection(Power.FromKilowatts(1.5), Power.Zero, new GridTariff(EnergyPrice.EurPerMwh(0), EnergyPrice.EurPerMwh(0))),
        Workloads = [new HeaterWorkload("heater", ["q"]), new HeaterWorkload("work", [])],
    };

    private readonly AgentRig _rig = new(options: AgentOptions.From(Site, AgentOptions.DefaultDeadman));

    private AgentCore Agent => _rig.Agent;

    [Fact]
    public void Apply_TargetAbovePoolMaximum_HeldAtThePoolsMaximumWithTheReasonInRefused()
    {
        var ack = Agent.Apply(_rig.Batch(1, 1400, Work("p/0", 700), Work("p/1", 500)));

        Assert.Null(ack.Refusal);
        var refused = Assert.Single(ack.Refused);
        Assert.Equal("p/0", refused.Gpu);
        Assert.True(SiteFileRefusal.Is(refused.Reason), refused.Reason);
        Assert.Contains("above pool p's 600 W", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(("work", 600.0), (_rig.Read("p/0").Workload, _rig.Read("p/0").PowerTarget.Watts));
        Assert.Equal(500, _rig.Read("p/1").PowerTarget.Watts);
    }

    [Fact]
    public void Apply_WorkloadTheSiteFileDoesNotAllowOnThePool_RefusedAndTheGpuIdle()
    {
        var ack = Agent.Apply(_rig.Batch(1, 1400, Work("p/0", 400, ShedStep.Heater, "heater"), Work("p/1", 400, workload: "unheard-of"), Work("p/2", 400)));

        Assert.Equal(["p/0", "p/1"], ack.Refused.Select(r => r.Gpu).Order(StringComparer.Ordinal));
        Assert.All(ack.Refused, r => Assert.True(SiteFileRefusal.Is(r.Reason), r.Reason));
        Assert.Contains("may not run on pool 'p'", ack.Refused.Single(r => r.Gpu == "p/0").Reason, StringComparison.Ordinal);
        Assert.Null(_rig.Read("p/0").Workload);
        Assert.Null(_rig.Read("p/1").Workload);
        Assert.Equal("work", _rig.Read("p/2").Workload);
    }

    [Fact]
    public void Apply_ValidForADay_FollowedOnlyForTheDeadmanAfterItArrived()
    {
        var ack = Agent.Apply(_rig.Batch(1, 1, 1400, TimeSpan.FromDays(1), Work("p/0", 500)));
        Assert.Null(ack.Refusal);

        _rig.Run(TimeSpan.FromSeconds(9.9));
        Assert.Equal(AgentState.Following, Agent.State);
        _rig.Run(TimeSpan.FromSeconds(0.1));

        Assert.Equal(AgentState.Safe, Agent.State);
        Assert.Null(_rig.Read("p/0").Workload);
        Assert.Single(_rig.Logger.WithEventId(2429));
        Assert.Single(_rig.Logger.WithEventId(2203));
    }

    [Fact]
    public void Apply_CapShareAboveTheImportCapWithCooling_RefusedWholeAndNothingChanges()
    {
        Agent.Apply(_rig.Batch(1, 600, Work("p/0", 400)));

        var ack = Agent.Apply(_rig.Batch(2, 1e9, Work("p/0", 600), Work("p/1", 600), Work("p/2", 600)));

        Assert.True(SiteFileRefusal.Is(ack.Refusal), ack.Refusal);
        Assert.Contains("above the site's import cap of 1.5 kW", ack.Refusal, StringComparison.Ordinal);
        Assert.Equal(400, _rig.Read("p/0").PowerTarget.Watts);
        Assert.Null(_rig.Read("p/1").Workload);
    }

    [Theory]
    [InlineData(1442, true)]     // 1442 W × 1.04 = 1499.7 W: within the cap
    [InlineData(1443, false)]    // 1500.7 W from the grid
    public void Apply_CapShareAtTheImportCap_ConvertedWithThePoolsCooling(double shareW, bool applied)
    {
        var ack = Agent.Apply(_rig.Batch(1, shareW, Work("p/0", 500)));

        Assert.Equal(applied, ack.Refusal is null);
    }

    [Fact]
    public void Apply_ShareWithinTheCapButCoolingOfAHotPoolAboveIt_IncreasesStopAtTheImportCap()
    {
        // One GPU of p (4 % cooling), two of a pool whose cooling doubles its draw: 1400 W of GPU power is 1456 W
        // from the grid at the lowest cooling (accepted), but 2608 W as commanded here.
        var site = Site with { Pools = [TestSites.Pool("p", 1, maxW: 600), TestSites.Pool("hot", 2) with { CoolingOverhead = 1.0 }] };
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        var gpus = Energy.Gpu.Simulation.SimulatedFleet.ForSite(site, time);
        var agent = new AgentCore("node-1", gpus, AgentOptions.From(site, AgentOptions.DefaultDeadman), time, new Energy.TestSupport.Logging.CapturingLogger<AgentCore>());
        var now = time.GetUtcNow();

        var ack = agent.Apply(new AssignmentBatch(AgentJson.Version, "node-1", 1, 1, now, now + TimeSpan.FromSeconds(10), 1400,
            [Work("p/0", 200), Work("hot/0", 600), Work("hot/1", 600)]));

        // p/0 goes up (208 W from the grid); each hot GPU's 520 W more would be 1040 W more from the grid: over the cap, held.
        Assert.Null(ack.Refusal);
        var grid = agent.Telemetry().Gpus.Sum(g => g.TargetW * (g.Pool == "hot" ? 2 : 1.04));
        Assert.Equal(200 * 1.04 + (2 * 80 * 2), grid, 3);
        Assert.Equal(1040, ack.HeldW, 3);
        Assert.True(agent.CommandedW < 1400, "the share alone would have let them up");
    }

    [Fact]
    public void Heartbeat_GpuRangeWiderThanItsPool_OfferedWithinThePool()
    {
        var heartbeat = Agent.Heartbeat(true, "sim", TimeSpan.FromSeconds(10));

        Assert.All(heartbeat.Gpus, g => Assert.Equal((200.0, 80.0, 600.0), (g.MinW, g.IdleW, g.MaxW)));
    }

    [Fact]
    public void FrequencySource_SiteWithoutAFrequencyMeter_TheAgentsTopic()
    {
        Assert.Equal(FrequencySource.Topic, Agent.FrequencySource);
    }

    [Theory]
    [InlineData(FrequencySource.Auto, FrequencySource.Signal)]
    [InlineData(FrequencySource.Topic, FrequencySource.Topic)]
    public void FrequencySource_SiteWhoseMeterGivesTheFrequency_TheMeterUnlessTheFileSaysTopic(FrequencySource configured, FrequencySource expected)
    {
        var site = TestSites.Bathhouse();
        site = site with { Policy = site.Policy with { DemandResponse = site.Policy.DemandResponse with { Source = configured } } };

        Assert.Equal(expected, AgentOptions.From(site, AgentOptions.DefaultDeadman).FrequencySource);
    }
}
