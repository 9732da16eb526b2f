using Energy.Contracts.Sites;
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

/// <summary>What the control loop writes to the history: one point per series per whole second, per-GPU points, signals, plans.</summary>
public sealed class ControlLoopHistoryTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2024, 1, 16, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start.AddMilliseconds(300));
    private readonly Site _site = TestSites.Bathhouse();
    private readonly SignalRegistry _signals = new();
    private readonly CurrentPlan _plan = new();
    private readonly InMemoryStore _store = new();
    private readonly DemoWorld _world;
    private readonly ControlLoop _loop;
    private readonly PlanningService _planning;

    public ControlLoopHistoryTests()
    {
        var controller = InProcessController.Create(_site, _time);
        _world = new DemoWorld(_site, controller.Link, new DemoSensors(_site, _signals, devices: null), _time);
        _loop = new ControlLoop(_site, _plan, controller.Link, _signals, _store, new StatusBoard(), _time, NullLogger<ControlLoop>.Instance);
        _planning = new PlanningService(_site, new MeritOrderPlanner(), new SyntheticMarket(_site), new HeatDemandForecast(_signals),
            _signals, _plan, _time, NullLogger<PlanningService>.Instance);
    }

    public void Dispose()
    {
        _loop.Dispose();
        _world.Dispose();
        _planning.Dispose();
    }

    private List<DateTimeOffset> Series(string measurement, string field) =>
        [.. _store.Points.Where(p => p.Measurement == measurement && p.Field == field).Select(p => p.Timestamp)];

    [Fact]
    public async Task Ticks_SiteImportOncePerWholeSecondAndNeverTwiceInOneSecond()
    {
        // Ticks at .300, .700 (same second: written not at all), then 1.100, 2.100, 3.900 (second 3), 4.000.
        TimeSpan[] steps = [TimeSpan.Zero, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(1),
            TimeSpan.FromMilliseconds(1800), TimeSpan.FromMilliseconds(100)];
        foreach (var step in steps)
        {
            _time.Advance(step);
            await _loop.TickAsync(CancellationToken.None);
        }

        Assert.Equal([0, 1, 2, 3, 4], Series("grid", "import_kw").Select(t => (int)(t - Start).TotalSeconds));
        Assert.All(Series("grid", "import_kw"), t => Assert.Equal(0, t.Millisecond));
        Assert.Equal(Series("grid", "import_kw"), Series("grid", "import_model_kw"));
        Assert.Equal(Series("grid", "import_kw"), Series("heat", "delivered_kw").Distinct());
    }

    [Fact]
    public async Task Ticks_GpuPointsEveryMinuteWithEnergyCounters()
    {
        for (var second = 0; second < 61; second++)
        {
            await _loop.TickAsync(CancellationToken.None);
            await _world.StepAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var energy = _store.Points.Where(p => p.Measurement == "gpu" && p.Field == "energy_kwh").ToList();
        Assert.Equal(2 * _site.TotalGpus, energy.Count);                            // at second 0 and second 60
        Assert.Equal([0, 60], energy.Select(p => (int)(p.Timestamp - Start).TotalSeconds).Distinct().Order());
        Assert.All(energy, p => Assert.Contains(p.Tags, t => t.Key == "gpu"));
        Assert.Equal(energy.Count, _store.Points.Count(p => p.Measurement == "gpu" && p.Field == "power_w"));
    }

    [Fact]
    public async Task Ticks_EverySignalWithANumericQuality()
    {
        await _world.StepAsync(CancellationToken.None);
        await _loop.TickAsync(CancellationToken.None);

        var quality = _store.Points.Where(p => p.Measurement == "signal" && p.Field == "quality").ToList();
        Assert.Equal(_signals.Snapshot().Count, quality.Count);
        Assert.NotEmpty(quality);
        Assert.All(quality, p => Assert.InRange(p.Value, 0, 2));
        Assert.All(quality, p => Assert.Contains(p.Tags, t => t.Key == "signal"));
    }

    [Fact]
    public async Task NewPlan_WrittenOncePerSlotAtTheSlotsStart()
    {
        await _planning.PlanOnceAsync(CancellationToken.None);
        await _loop.TickAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _loop.TickAsync(CancellationToken.None);

        var plan = _plan.Plan!;
        Assert.Equal(plan.Slots.Select(s => s.Start), Series("plan", "import_kw"));
        Assert.Equal(plan.Slots[0].GridImport.Kilowatts, _store.Points.First(p => p.Measurement == "plan" && p.Field == "import_kw").Value);

        await _planning.PlanOnceAsync(CancellationToken.None);
        await _loop.TickAsync(CancellationToken.None);
        Assert.Equal(2 * plan.Slots.Count, Series("plan", "import_kw").Count);
    }
}
