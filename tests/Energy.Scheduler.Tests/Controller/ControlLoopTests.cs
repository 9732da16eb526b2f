using Energy.Contracts.Sites;
using Energy.Gpu.Agents;
using Energy.Scheduler.Controller;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Scheduler.Planning.MeritOrder;
using Energy.Scheduler.Plant;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller;

public sealed class ControlLoopTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 16, 8, 0, 0, TimeSpan.Zero));
    private readonly Site _site = TestSites.Bathhouse();
    private readonly SignalRegistry _signals = new();
    private readonly CurrentPlan _plan = new();
    private readonly StatusBoard _board = new();
    private readonly InMemoryStore _store = new();
    private readonly AgentCore _agent;
    private readonly DemoWorld _world;
    private readonly ControlLoop _loop;
    private readonly PlanningService _planning;

    public ControlLoopTests()
    {
        // Controller and one agent as heatgrid run wires them: fleet, sequencer, in-process transport.
        var controller = InProcessController.Create(_site, _time);
        _agent = controller.Agent;
        var link = controller.Link;
        _world = new DemoWorld(_site, link, new DemoSensors(_site, _signals, devices: null), _time);
        _loop = new ControlLoop(_site, _plan, link, _signals, _store, _board, _time, NullLogger<ControlLoop>.Instance);
        _planning = new PlanningService(_site, new MeritOrderPlanner(), new SyntheticMarket(_site), new HeatDemandForecast(_signals),
            _signals, _plan, _time, NullLogger<PlanningService>.Instance);
    }

    public void Dispose()
    {
        _loop.Dispose();
        _world.Dispose();
        _planning.Dispose();
    }

    [Fact]
    public async Task Tick_WithoutAPlan_HoldsEveryGpuIdleAndSaysSo()
    {
        await _loop.TickAsync(CancellationToken.None);

        var status = _board.Current!;
        Assert.Equal(_site.TotalGpus, status.Workloads.Single(w => w.Name == "idle").Gpus);
        Assert.Contains(status.Warnings, w => w.Contains("safe state", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ticks_FollowThePlanWithinTheRampLimitAndNeverExceedTheCap()
    {
        await _planning.PlanOnceAsync(CancellationToken.None);
        var slot = _plan.Plan!.SlotAt(_time.GetUtcNow())!;
        var planned = slot.Allocations.Sum(a => a.Gpus);
        Assert.True(planned > 0);

        double previousKw = 0;
        for (var second = 0; second < 600; second++)
        {
            await _loop.TickAsync(CancellationToken.None);
            await _world.StepAsync(CancellationToken.None);
            var status = _board.Current!;
            Assert.True(status.GridImportKw <= status.GridImportCapKw, $"t={second}s: {status.GridImportKw} kW > cap");

            // The policy ramp (300 kW/min) bounds each 1-s step's rise, plus the GPUs' own settling.
            if (second > 0)
            {
                Assert.True(status.GridImportKw - previousKw <= 300.0 / 60 * 1.2 + 1, $"t={second}s: rose {status.GridImportKw - previousKw} kW");
            }

            previousKw = status.GridImportKw;
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var final = _board.Current!;
        Assert.Equal(planned, final.Workloads.Where(w => w.Name != "idle").Sum(w => w.Gpus));
        Assert.Equal(slot.GridImport.Kilowatts, final.GridImportKw, tolerance: 1.0);
        Assert.Contains(_store.Points, p => p.Measurement == "grid" && p.Field == "import_kw");
    }

    [Fact]
    public async Task BaseLoadStepsUp_MeteredImportBackUnderTheCapAfterATickAndTheEstimateFollows()
    {
        await _planning.PlanOnceAsync(CancellationToken.None);
        await RunAsync(seconds: 240);   // the ramp limit takes the site up to its plan
        var before = _board.Current!;
        Assert.Equal("meter", before.CapHeldAgainst);
        Assert.Equal(60, before.BaseLoadKw, tolerance: 0.5);

        // More load HeatGrid does not control than the plan assumed: enough to put the site over its cap.
        var step = Math.Max(200, before.GridImportCapKw - before.GridImportKw + 50);
        _world.BaseLoad += Contracts.Units.Power.FromKilowatts(step);
        var truth = 60 + step;
        for (var second = 0; second < 30; second++)
        {
            await RunAsync(seconds: 1);
            var status = _board.Current!;
            var metered = status.GridImportMeteredKw!.Value;

            // The status shows the meter's last reading, taken at the previous tick: the step shows at the first tick after it,
            // which sheds; the reading taken at that instant still shows the GPUs before they came down; the next is under.
            if (second >= 3)
            {
                Assert.True(metered <= status.GridImportCapKw, $"t={second}s after the step: metered {metered} kW over the {status.GridImportCapKw} kW cap");
            }

            if (second >= 10)
            {
                Assert.True(Math.Abs(status.BaseLoadKw - truth) <= 0.05 * truth, $"t={second}s: estimated {status.BaseLoadKw} kW, true {truth} kW");
            }
        }

        Assert.Contains(_board.Current!.Explanations, e => e.Contains("site meter shows", StringComparison.Ordinal));
        Assert.Equal(60, _board.Current!.BaseLoadConfiguredKw);
    }

    [Fact]
    public async Task MeterGoesStale_HeldAgainstTheWorstRecentBaseLoadPlusTheMarginAndWarned()
    {
        await _planning.PlanOnceAsync(CancellationToken.None);
        await RunAsync(seconds: 5);
        var withMeter = _board.Current!;

        // The world keeps stepping but its meter reading no longer reaches the registry: it goes stale.
        for (var second = 0; second < 5; second++)
        {
            await _loop.TickAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var lost = _board.Current!;
        Assert.Equal("meterLost", lost.CapHeldAgainst);
        Assert.Null(lost.GridImportMeteredKw);
        Assert.Equal(withMeter.BaseLoadKw + (0.05 * 900), lost.BaseLoadKw, tolerance: 0.5);
        Assert.Contains(lost.Warnings, w => w.StartsWith("site meter grid.meteredImportKw is stale", StringComparison.Ordinal));
    }

    private async Task RunAsync(int seconds)
    {
        for (var second = 0; second < seconds; second++)
        {
            await _loop.TickAsync(CancellationToken.None);
            await _world.StepAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task Ticks_StatusHeatMatchesTheSimulatedLoop()
    {
        var demand = new HeatDemandPublisher(_site, _signals, _time, NullLogger<HeatDemandPublisher>.Instance);
        await _planning.PlanOnceAsync(CancellationToken.None);
        for (var second = 0; second < 5; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await _world.StepAsync(CancellationToken.None);
            demand.PublishOnce(_time.GetUtcNow());
            await _loop.TickAsync(CancellationToken.None);
        }

        // Demand is derived from the meters (delivered + boiler + shortfall); boilerKw is the boiler's heat to the consumer.
        var flows = _world.LatestFlows["bath"];
        var heat = _board.Current!.Heat;
        Assert.Equal(flows.Demand.Kilowatts, heat.DemandKw, tolerance: 0.01);
        Assert.Equal(flows.Delivered.Kilowatts, heat.DeliveredKw, tolerance: 0.01);
        Assert.Equal(flows.Boiler.Kilowatts, heat.BoilerKw, tolerance: 0.01);
        Assert.Equal(flows.StoredAtEnd.KilowattHours, heat.StoredKwh, tolerance: 0.01);
        Assert.True(heat.DemandKw > 0);
    }

    [Fact]
    public async Task Agent_WhenTheControllerStopsRenewing_FallsBackToIdleAfterTheDeadmanTime()
    {
        await _planning.PlanOnceAsync(CancellationToken.None);
        for (var second = 0; second < 30; second++)
        {
            await _loop.TickAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Contains(_agent.Telemetry().Gpus, g => g.Workload is not null);
        _time.Advance(ControlLoop.AssignmentValidity);
        _agent.Tick();

        Assert.All(_agent.Telemetry().Gpus, g => Assert.Null(g.Workload));
        Assert.Equal(AgentState.Safe, _agent.State);
    }
}
