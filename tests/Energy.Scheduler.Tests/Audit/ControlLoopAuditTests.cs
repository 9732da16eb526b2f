using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Controller;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Scheduler.Planning.MeritOrder;
using Energy.Scheduler.Plant;
using Energy.Scheduler.Tests.Controller;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Audit;

/// <summary>The control loop's safety actions in the audit trail: safe state, over-temperature, shedding, a metered cap breach.</summary>
public sealed class ControlLoopAuditTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-audit-loop-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 16, 8, 0, 0, TimeSpan.Zero));
    private readonly Site _site = TestSites.BathhouseWith(
        "    dryCoolerKw: 700             # surplus heat can always be thrown away",
        "    dryCoolerKw: 700\n    maxCoolantTemperatureC: 50");
    private readonly SignalRegistry _signals = new();
    private readonly CurrentPlan _plan = new();
    private readonly InProcessController _controller;
    private readonly AuditLog _audit;
    private readonly ControlLoop _loop;
    private readonly PlanningService _planning;

    public ControlLoopAuditTests()
    {
        _controller = InProcessController.Create(_site, _time);
        _audit = new AuditLog(_folder, _time, NullLogger<AuditLog>.Instance);
        _loop = new ControlLoop(_site, _plan, _controller.Link, _signals, new InMemoryStore(), new StatusBoard(), _time, NullLogger<ControlLoop>.Instance,
            _controller.Limit, audit: _audit);
        _planning = new PlanningService(_site, new MeritOrderPlanner(), new SyntheticMarket(_site), new HeatDemandForecast(_signals),
            _signals, _plan, _time, NullLogger<PlanningService>.Instance);
    }

    public void Dispose()
    {
        _loop.Dispose();
        _planning.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Ticks_EachSafetyTransitionOnce_InTheChain()
    {
        await RunAsync(3);                                                                 // no plan yet: the safe state
        await _planning.PlanOnceAsync(CancellationToken.None);
        await RunAsync(60);                                                                // ramping up to the plan
        Assert.Equal(["safety.safeState", "safety.safeState"], Whats());

        _signals.Publish(Reading.Good("bath.returnTemperatureC", 55, Unit.Celsius, _time.GetUtcNow(), "test"));
        await RunAsync(3);
        Assert.Equal("safety.overTemperature", Whats()[^1]);

        _controller.Limit.Curtail("dr-1", Power.FromKilowatts(200), _time.GetUtcNow(), _time.GetUtcNow().AddHours(1), "test");
        await RunAsync(3);
        Assert.Equal(1, Whats().Count(w => w == "safety.shed"));

        var meter = _site.Grid.Meter!.Signal;
        _signals.Publish(Reading.Good(meter, 950, Unit.Kilowatt, _time.GetUtcNow(), "test-meter"));
        await RunAsync(1);
        Assert.Equal("safety.capBreach", Whats()[^1]);

        var count = Whats().Count;
        await RunAsync(5);
        Assert.Equal(count, Whats().Count);                                              // nothing per tick while nothing changes
        Assert.True(AuditVerification.Of(_folder).Intact);
    }

    private List<string?> Whats() => [.. _audit.Latest(AuditLog.MaxLimit, 0).Reverse().Select(e => e.GetProperty("what").GetString())];

    private async Task RunAsync(int ticks)
    {
        for (var i = 0; i < ticks; i++)
        {
            await _loop.TickAsync(CancellationToken.None);
            _time.Advance(ControlLoop.Period);
        }
    }
}
