using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller;

namespace Energy.Scheduler.Tests.Controller;

/// <summary>A 1000-kW cap, 60 kW in the site file, a meter on grid.meteredImportKw that goes stale after 3 s, 2 % cap margin, 5 % loss margin.</summary>
public sealed class BaseLoadEstimatorTests
{
    private const string Signal = GridMeter.DefaultSignal;
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    private static readonly GridConnection Grid = new(Power.FromKilowatts(1000), Power.FromKilowatts(60), new GridTariff(EnergyPrice.EurPerMwh(0), EnergyPrice.EurPerMwh(0)))
    {
        Meter = new GridMeter(Signal, TimeSpan.FromSeconds(3), 0.02, 0.05),
    };

    private readonly BaseLoadEstimator _estimator = new(Grid);

    private static Reading Metered(double kw, double atSeconds) => Reading.Good(Signal, kw, Unit.Kilowatt, T0.AddSeconds(atSeconds), "meter");

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    /// <summary>HeatGrid's GPUs drew <paramref name="kw"/> at each control tick of the given seconds.</summary>
    private void Controlled(double kw, params double[] seconds)
    {
        foreach (var s in seconds)
        {
            _estimator.RecordControlled(At(s), Power.FromKilowatts(kw));
        }
    }

    [Fact]
    public void Update_WithoutAMeter_TheSiteFilesBaseLoadAgainstTheModel()
    {
        var estimator = new BaseLoadEstimator(Grid with { Meter = null });

        var state = estimator.Update(T0, Metered(900, 0));

        Assert.Equal((60.0, CapBasis.Model, (Power?)null, (string?)null), (state.BaseLoad.Kilowatts, state.Basis, state.Metered, state.Problem));
    }

    [Fact]
    public void Update_MeterAtTheSameInstantAsATick_MeteredMinusWhatTheGpusDrew()
    {
        Controlled(500, 0, 1);

        var state = _estimator.Update(At(1), Metered(760, 1));

        Assert.Equal(CapBasis.Meter, state.Basis);
        Assert.Equal(260, state.BaseLoad.Kilowatts, precision: 6);
        Assert.Equal(760, state.Metered!.Value.Kilowatts);
    }

    [Fact]
    public void Update_BaseLoadRises_FollowedAtOnce()
    {
        Controlled(500, 0, 1, 2);
        _estimator.Update(At(1), Metered(560, 1));

        var state = _estimator.Update(At(2), Metered(760, 2));

        Assert.Equal(260, state.BaseLoad.Kilowatts, precision: 6);
    }

    [Fact]
    public void Update_BaseLoadFalls_FollowedSlowlyWithTheTimeConstant()
    {
        Controlled(500, 0, 1, 11);
        _estimator.Update(At(1), Metered(760, 1));

        var state = _estimator.Update(At(11), Metered(560, 11));

        // From 260 kW towards 60 kW over 10 s with τ = 60 s: 260 − 200 · (1 − e^(−10/60)).
        Assert.Equal(260 - (200 * (1 - Math.Exp(-10.0 / 60))), state.BaseLoad.Kilowatts, precision: 6);
    }

    [Fact]
    public void Update_ReadingBetweenTicksWhileTheGpusMoved_OnlyWhatItProvesRaisesTheEstimate()
    {
        // A shed between the ticks at 1 s and 2 s: the meter read 1.5 s at 700 kW while the GPUs were going from 600 to 300 kW.
        _estimator.RecordControlled(At(0), Power.FromKilowatts(600));
        _estimator.RecordControlled(At(1), Power.FromKilowatts(600));
        _estimator.Update(At(1), Metered(660, 1));
        _estimator.RecordControlled(At(2), Power.FromKilowatts(300));

        var state = _estimator.Update(At(2), Metered(700, 1.5));

        // It proves at least 700 − 600 = 100 kW (a rise from 60 kW); matched to the 300 kW after the shed it would claim 400 kW.
        Assert.Equal(100, state.BaseLoad.Kilowatts, precision: 6);
    }

    [Fact]
    public void Update_ReadingBetweenSteadyTicks_Interpolated()
    {
        Controlled(500, 0, 1);
        _estimator.RecordControlled(At(2), Power.FromKilowatts(502));

        var state = _estimator.Update(At(2), Metered(761, 1.5));

        Assert.Equal(260, state.BaseLoad.Kilowatts, precision: 6);
    }

    [Theory]
    [InlineData(false, "is bad (timeout)")]
    [InlineData(true, "is stale (last value 4 s ago, limit 3 s)")]
    public void Update_MeterBadOrStale_WorstRecentBaseLoadPlusTheLossMarginAndSaysWhy(bool stale, string why)
    {
        Controlled(500, 0, 1, 2, 5);
        _estimator.Update(At(1), Metered(800, 1));    // 300 kW
        _estimator.Update(At(2), Metered(600, 2));    // falls slowly from 300 kW

        var state = stale
            ? _estimator.Update(At(6), Metered(600, 2))
            : _estimator.Update(At(6), Reading.Bad(Signal, Unit.Kilowatt, "timeout", At(6), "meter"));

        Assert.Equal(CapBasis.MeterLost, state.Basis);
        Assert.Equal(300 + 50, state.BaseLoad.Kilowatts, precision: 6);
        Assert.Null(state.Metered);
        Assert.Equal($"site meter {Signal} {why}: the cap is held against the worst base load of the last 15 min, 300 kW, plus 50 kW", state.Problem);
    }

    [Fact]
    public void Update_MeterNeverHeard_TheSiteFilesBaseLoadPlusTheLossMargin()
    {
        var state = _estimator.Update(T0, null);

        Assert.Equal((CapBasis.MeterLost, 110.0), (state.Basis, state.BaseLoad.Kilowatts));
        Assert.Contains("has not reported yet", state.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_WorstEstimateOlderThanTheWindow_NoLongerCounts()
    {
        Controlled(500, 0, 1, 2, 1000, 1001);
        _estimator.Update(At(1), Metered(900, 1));       // 400 kW, then falling
        _estimator.Update(At(1000), Metered(600, 1000));  // 100 kW by now (after 16.6 min)
        var settled = _estimator.Update(At(1001), Metered(600, 1001)).BaseLoad.Kilowatts;

        var state = _estimator.Update(At(1001 + 10), null);

        Assert.True(state.BaseLoad.Kilowatts < 400, $"{state.BaseLoad} still counts a base load of 17 minutes ago");
        Assert.True(state.BaseLoad.Kilowatts >= settled + 50 - 1e-6, $"{state.BaseLoad} below the last estimate {settled} kW plus the margin");
    }
}
