using Energy.Contracts.Planning;
using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Scheduler.Planning.MeritOrder;
using Energy.Scheduler.Plant;
using Energy.Scheduler.Tests.Backtesting;
using Energy.Telemetry.Health;
using Energy.Telemetry.Signals;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Planning;

/// <summary>The live planner's mining value: a site file's series, re-read on change, and zero for SHA-256d without a pool.</summary>
public sealed class MiningValueSourceTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 16, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start.AddHours(8));
    private readonly CapturingLogger<PlanningService> _log = new();

    private static PriceCurve Curve(int hours) => new(Start, TimeSpan.FromHours(1), Enumerable.Repeat(EnergyPrice.PerMwh(50, Currency.Eur), hours).ToList());

    private Alarms NewAlarms() => new(_time, new CapturingLogger<Alarms>());

    [Fact]
    public void For_SeriesOnTheWorkload_EachSlotTakesTheValueInForce_ReReadOnChange()
    {
        var path = BacktestData.TempFile("timestamp_utc,value_eur_per_mwh\n2024-01-15T00:00:00Z,40\n2024-01-16T06:00:00Z,80\n");
        var site = TestSites.BathhouseWith("revenuePerUnit: 0.0011", $"revenuePerUnit: 0.0011\n    valueSeries: {path}");
        var source = new MiningValueSource(site, _time, _log, NewAlarms());

        var values = source.For(Curve(12))!;
        Assert.Equal([40, 40, 40, 40, 40, 40, 80, 80, 80, 80, 80, 80], values[("mining", "liquid-h100")]);
        Assert.Equal(values[("mining", "liquid-h100")], values[("mining", "air-l40s")]);
        Assert.Single(_log.WithEventId(3642));

        Assert.Equal(values[("mining", "liquid-h100")], source.For(Curve(12))![("mining", "liquid-h100")]);
        Assert.Single(_log.WithEventId(3642));   // unchanged: not read again

        File.WriteAllText(path, "timestamp_utc,value_eur_per_mwh\n2024-01-15T00:00:00Z,40\n2024-01-16T03:00:00Z,5\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(5, source.For(Curve(12))![("mining", "liquid-h100")][11]);
        Assert.Equal(2, _log.WithEventId(3642).Count);
    }

    [Fact]
    public void For_UnusableSeries_ConstantValueAndAnAlarm()
    {
        var path = BacktestData.TempFile("timestamp_utc,hashprice_usd_per_th_day\n2024-01-15T00:00:00Z,0.05\n");
        var site = TestSites.BathhouseWith("revenuePerUnit: 0.0011", $"revenuePerUnit: 0.0011\n    valueSeries: {path}");
        var alarms = NewAlarms();

        Assert.Null(new MiningValueSource(site, _time, _log, alarms).For(Curve(4)));

        var alarm = Assert.Single(alarms.Current(), a => a.Key == "mining.valueseries.mining");
        Assert.Contains("planned at its constant value", alarm.Message, StringComparison.Ordinal);
        Assert.Contains("give valueFx on workload mining RATE (EUR per USD)", alarm.Message, StringComparison.Ordinal);
        Assert.Single(_log.WithEventId(3641));
    }

    [Fact]
    public void For_StaleSeries_HeldWithAWarning()
    {
        var path = BacktestData.TempFile("timestamp_utc,value_eur_per_mwh\n2024-01-01T00:00:00Z,40\n");
        var site = TestSites.BathhouseWith("revenuePerUnit: 0.0011", $"revenuePerUnit: 0.0011\n    valueSeries: {path}");
        var alarms = NewAlarms();

        Assert.All(new MiningValueSource(site, _time, _log, alarms).For(Curve(4))![("mining", "liquid-h100")], v => Assert.Equal(40, v));
        Assert.Contains("15.3 days ago: its last value is held", Assert.Single(alarms.Current()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanningService_Sha256dWithoutPool_PlannedAtZeroAndSaysSo_WithAPoolAtItsValue()
    {
        var noPool = TestSites.BathhouseWith("revenuePerUnit: 0.0011", "revenuePerUnit: 0.0011\n    algorithm: sha256d");
        var (input, alarms, plan) = await PlanOnce(noPool);

        Assert.All(input.MiningValue![("mining", "liquid-h100")], v => Assert.Equal(0, v));
        Assert.Equal(0, input.MiningValuePerMwhAt(noPool.Workloads.OfType<MiningWorkload>().Single(), noPool.Pools[1], 3));
        Assert.Contains("hashes SHA-256d without a pool", Assert.Single(alarms.Current(), a => a.Key == "mining.nopool.mining").Message, StringComparison.Ordinal);
        Assert.Single(_log.WithEventId(3640));
        Assert.All(plan.Slots, s => Assert.DoesNotContain(s.Allocations, a => a.Workload == "mining" && a.Gpus > 0));

        var pooled = TestSites.BathhouseWith("revenuePerUnit: 0.0011",
            "revenuePerUnit: 0.5\n    algorithm: sha256d\n    pool: stratum+tcp://pool.example.com:3333\n    worker: acct.rig1");
        var (withPool, quiet, planned) = await PlanOnce(pooled);
        Assert.Null(withPool.MiningValue);   // its constant value (here far above the power price)
        Assert.Empty(quiet.Current());
        Assert.Contains(planned.Slots, s => s.Allocations.Any(a => a.Workload == "mining" && a.Gpus > 0));
    }

    private async Task<(PlanningInput Input, Alarms Alarms, Plan Plan)> PlanOnce(Site site)
    {
        var signals = new SignalRegistry();
        var recorder = new Recorder();
        var alarms = NewAlarms();
        var current = new CurrentPlan();
        using var planning = new PlanningService(site, recorder, new SyntheticMarket(site), new HeatDemandForecast(signals), signals, current, _time, _log,
            alarms: alarms);
        await planning.PlanOnceAsync(CancellationToken.None);
        return (recorder.Input!, alarms, current.Plan!);
    }

    private sealed class Recorder : IPlanner
    {
        private readonly MeritOrderPlanner _inner = new();

        public PlanningInput? Input { get; private set; }

        public string Name => "recorder";

        public Plan CreatePlan(PlanningInput input)
        {
            Input = input;
            return _inner.CreatePlan(input);
        }
    }
}
