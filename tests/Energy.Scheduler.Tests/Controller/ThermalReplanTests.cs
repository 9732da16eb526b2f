using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
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

/// <summary>Over-temperature, from the coolant reading through the control loop to the plan: the hot loop's pools are planned around until it cools.</summary>
public sealed class ThermalReplanTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 16, 8, 0, 0, TimeSpan.Zero));
    private readonly Site _site = TestSites.BathhouseWith(
        "    dryCoolerKw: 700             # surplus heat can always be thrown away",
        "    dryCoolerKw: 700\n    maxCoolantTemperatureC: 50");
    private readonly SignalRegistry _signals = new();
    private readonly CurrentPlan _plan = new();
    private readonly ControlLoop _loop;
    private readonly PlanningService _planning;

    public ThermalReplanTests()
    {
        var controller = InProcessController.Create(_site, _time);
        var state = new ControlState();
        _loop = new ControlLoop(_site, _plan, controller.Link, _signals, new InMemoryStore(), new StatusBoard(), _time, NullLogger<ControlLoop>.Instance, controller.Limit,
            state: state);
        _planning = new PlanningService(_site, new MeritOrderPlanner(), new SyntheticMarket(_site), new HeatDemandForecast(_signals),
            _signals, _plan, _time, NullLogger<PlanningService>.Instance, new SiteConditions(_site, controller.Limit, controller.Fleet, state));
    }

    public void Dispose()
    {
        _loop.Dispose();
        _planning.Dispose();
    }

    [Fact]
    public async Task CoolantTooHot_LiquidPoolPlannedAroundUntilItIs3KBelow()
    {
        await _planning.PlanOnceAsync(CancellationToken.None);
        Assert.True(LiquidGpus() > 0, "the test needs work planned on the liquid-cooled pool");


        await CoolantAsync(55);
        Assert.Equal(["bath"], _loop.HotLoops);
        await RunAsync(PlanningService.ConditionsReplanGap);
        Assert.True(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));
        Assert.Equal(0, LiquidGpus());
        Assert.Contains("pool liquid-h100: 1024 of 1024 GPUs planned around (bath coolant above its 50 °C limit)", Slot().Explanations);

        await CoolantAsync(48);   // below the limit, not yet 3 K below: still held
        await RunAsync(PlanningService.ConditionsReplanGap);
        Assert.False(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));

        await CoolantAsync(46);
        Assert.Empty(_loop.HotLoops);
        await RunAsync(PlanningService.ConditionsReplanGap);
        Assert.True(await _planning.ReplanIfConditionsChangedAsync(CancellationToken.None));
        Assert.True(LiquidGpus() > 0);
    }

    /// <summary>The control loop ticks every second meanwhile, as in the service (the in-process agent stays online).</summary>
    private async Task RunAsync(TimeSpan span)
    {
        for (var t = TimeSpan.Zero; t < span; t += ControlLoop.Period)
        {
            _time.Advance(ControlLoop.Period);
            await _loop.TickAsync(CancellationToken.None);
        }
    }

    private async Task CoolantAsync(double celsius)
    {
        _signals.Publish(Reading.Good("bath.returnTemperatureC", celsius, Unit.Celsius, _time.GetUtcNow(), "test"));
        await _loop.TickAsync(CancellationToken.None);
    }

    private Energy.Contracts.Planning.PlanSlot Slot() => _plan.Plan!.SlotAt(_time.GetUtcNow())!;

    private int LiquidGpus() => Slot().Allocations.Where(a => a.Pool == "liquid-h100").Sum(a => a.Gpus);
}
