using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Scheduler.Planning.MeritOrder;
using Energy.Scheduler.Plant;
using Energy.Telemetry.Signals;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Planning;

/// <summary>The planning service re-plans when curtailments or agents change, not only at slot boundaries.</summary>
public sealed class PlanningServiceConditionsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 16, 8, 0, 0, TimeSpan.Zero));
    private readonly Site _site = TestSites.Bathhouse();
    private readonly CurrentPlan _plan = new();
    private readonly Conditions _conditions = new();
    private readonly CapturingLogger<PlanningService> _log = new();
    private readonly PlanningService _planning;

    public PlanningServiceConditionsTests()
    {
        var signals = new SignalRegistry();
        _planning = new PlanningService(_site, new MeritOrderPlanner(), new SyntheticMarket(_site), new HeatDemandForecast(signals),
            signals, _plan, _time, _log, _conditions);
    }

    public void Dispose() => _planning.Dispose();

    [Fact]
    public async Task Replan_CurtailmentStartsAndEnds_PlanFollowsAfterTheGap()
    {
        await _planning.PlanOnceAsync(CancellationToken.None);
        Assert.False(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));   // nothing changed

        var now = _time.GetUtcNow();
        _conditions.State = new PlanningConditions([new CapWindow(now, now.AddHours(1), Power.FromKilowatts(300), "curtailment t1")], []);
        _time.Advance(PlanningService.ConditionsReplanGap - TimeSpan.FromSeconds(1));
        Assert.False(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));   // too soon after the last plan

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));
        var slot = _plan.Plan!.SlotAt(_time.GetUtcNow())!;
        Assert.True(slot.GridImport.Kilowatts <= 300, $"planned {slot.GridImport} under a 300 kW curtailment");
        Assert.Contains(slot.Explanations, e => e.StartsWith("grid cap lowered to 300 kW", StringComparison.Ordinal));
        Assert.Contains("cap 300 kW", Assert.Single(_log.WithEventId(3012)).Message, StringComparison.Ordinal);

        _time.Advance(PlanningService.ConditionsReplanGap);
        Assert.False(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));   // same conditions: no re-plan

        _conditions.State = PlanningConditions.None;
        Assert.True(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));
        slot = _plan.Plan!.SlotAt(_time.GetUtcNow())!;
        Assert.DoesNotContain(slot.Explanations, e => e.StartsWith("grid cap lowered", StringComparison.Ordinal));
        Assert.Contains("back to the site file's cap and pools", _log.WithEventId(3012)[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replan_MeasuredBaseLoadRises_PlannedWithItUnderTheCap()
    {
        await _planning.PlanOnceAsync(CancellationToken.None);
        _conditions.State = new PlanningConditions([], []) { BaseLoad = Power.FromKilowatts(560), BaseLoadWhy = "measured by the site meter", CapMargin = 0.02 };
        _time.Advance(PlanningService.ConditionsReplanGap);

        Assert.True(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));

        var slot = _plan.Plan!.SlotAt(_time.GetUtcNow())!;
        Assert.True(slot.GridImport.Kilowatts <= 882 + 1e-6, $"planned {slot.GridImport} with 560 kW of other load under 900 kW less 2 %");
        Assert.Contains(slot.Explanations, e => e.StartsWith("planned with 560 kW of load HeatGrid does not control", StringComparison.Ordinal));

        // A few kW of meter noise does not re-plan; 20 kW (over 2 % of the cap) does.
        _time.Advance(PlanningService.ConditionsReplanGap);
        _conditions.State = _conditions.State with { BaseLoad = Power.FromKilowatts(570) };
        Assert.False(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));
        _conditions.State = _conditions.State with { BaseLoad = Power.FromKilowatts(580) };
        Assert.True(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Replan_AgentGone_ItsGpusPlannedAroundAndNamed()
    {
        await _planning.PlanOnceAsync(CancellationToken.None);
        _conditions.State = new PlanningConditions([], [new UnavailableGpus("liquid-h100", 1000, "agent rack-1 offline")]);
        _time.Advance(PlanningService.ConditionsReplanGap);

        Assert.True(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));

        var slot = _plan.Plan!.SlotAt(_time.GetUtcNow())!;
        Assert.InRange(slot.Allocations.Where(a => a.Pool == "liquid-h100").Sum(a => a.Gpus), 0, 24);
        Assert.Contains("pool liquid-h100: 1000 of 1024 GPUs planned around (agent rack-1 offline)", slot.Explanations);
    }

    [Fact]
    public async Task Replan_SourceThrows_ReportedAndTheLastPlanStays()
    {
        await _planning.PlanOnceAsync(CancellationToken.None);
        var before = _plan.Plan;
        _conditions.Failure = new InvalidOperationException("fleet unavailable");
        _time.Advance(PlanningService.ConditionsReplanGap);

        Assert.False(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));

        Assert.Same(before, _plan.Plan);
        Assert.Single(_log.WithEventId(3004));
    }

    private sealed class Conditions : IPlanningConditionsSource
    {
        public PlanningConditions State { get; set; } = PlanningConditions.None;

        public Exception? Failure { get; set; }

        public PlanningConditions Current(DateTimeOffset now) => Failure is { } e ? throw e : State;
    }
}
