using Energy.Contracts.Units;
using Energy.Gpu.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Simulation;

/// <summary>An H100-like GPU: 80 W idle, power limits 200–700 W, power time constant 0.3 s while working; a stop falls 25 ms later with τ = 20 ms.</summary>
public class SimulatedGpuTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 7, 1, 12, 0, 0, TimeSpan.Zero));

    private SimulatedGpu Gpu(double idleW = 80) =>
        new("liquid-h100/0", "H100 SXM 80GB", "liquid-h100", Power.FromWatts(200), Power.FromWatts(idleW), Power.FromWatts(700), _time);

    [Fact]
    public void Read_NewGpu_IdleWithEmptyCounterAtCoolantTemperature()
    {
        var state = Gpu().Read();

        Assert.Equal(80, state.Power.Watts);
        Assert.Equal(80, state.AveragePower.Watts);
        Assert.Equal(80, state.PowerTarget.Watts);
        Assert.Null(state.Workload);
        Assert.Equal(EnergyAmount.Zero, state.EnergyCounter);
        Assert.Equal(40, state.Temperature.Celsius);
        Assert.Equal(("liquid-h100/0", "liquid-h100"), (state.GpuId, state.Pool));
    }

    [Fact]
    public void Apply_Target_After2sWithinOnePercent()
    {
        var gpu = Gpu();
        gpu.Apply("acme-inference", Power.FromWatts(450));

        _time.Advance(TimeSpan.FromSeconds(2));
        var state = gpu.Read();

        Assert.Equal(450, state.Power.Watts, 4.5);
        Assert.Equal(450, state.PowerTarget.Watts);
        Assert.Equal("acme-inference", state.Workload);
        Assert.Equal(_time.GetUtcNow(), state.Timestamp);
    }

    [Fact]
    public void Apply_Target_AfterOneTimeConstantTwoThirdsOfTheWay()
    {
        var gpu = Gpu();
        gpu.Apply("mining", Power.FromWatts(450));

        _time.Advance(SimulatedGpu.PowerTimeConstant);

        // 80 W + (450 − 80) W × (1 − 1/e)
        Assert.Equal(80 + (370 * (1 - Math.Exp(-1))), gpu.BoardPowerAt(_time.GetUtcNow()).Watts, 1e-6);
    }

    [Fact]
    public void Stop_KernelInFlightRunsOutThenTheBoardFallsWithTwentyMilliseconds()
    {
        var (gpu, stopAt) = MiningStopped(500);

        Assert.Equal(500, gpu.BoardPowerAt(stopAt + TimeSpan.FromMilliseconds(24.9)).Watts, 1e-3);      // the launch in flight
        Assert.Equal(80 + (420 * Math.Exp(-1)), gpu.BoardPowerAt(stopAt + TimeSpan.FromMilliseconds(45)).Watts, 1e-3);   // one τ after it
        Assert.Equal(80 + (420 * Math.Exp(-3)), gpu.BoardPowerAt(stopAt + TimeSpan.FromMilliseconds(85)).Watts, 1e-3);   // 95 % down
        Assert.Equal(80, gpu.BoardPowerAt(stopAt + TimeSpan.FromMilliseconds(250)).Watts, 0.01);
        Assert.Equal((string?)null, gpu.Read().Workload);
        Assert.Equal(80, gpu.Read().PowerTarget.Watts);
    }

    [Fact]
    public void Stop_InstantReadingIsTheMeanOfTheLastCompletedTwentyFiveMsWindow()
    {
        var (gpu, stopAt) = MiningStopped(500);

        // Windows on the clock's 25-ms grid; the stop is on it. [25, 50] ms: the first 25 ms of the fall.
        var firstWindow = 80 + (420 * (20.0 / 25) * (1 - Math.Exp(-25.0 / 20)));
        _time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Equal(500, gpu.Read().Power.Watts, 1e-3);   // still the window [0, 25] ms
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(firstWindow, gpu.Read().Power.Watts, 1e-3);
        _time.Advance(TimeSpan.FromMilliseconds(24));
        Assert.Equal(firstWindow, gpu.Read().Power.Watts, 1e-3);   // held until the next refresh
        Assert.True(gpu.BoardPowerAt(_time.GetUtcNow()).Watts < firstWindow);
        Assert.Equal(stopAt + TimeSpan.FromMilliseconds(74), gpu.Read().Timestamp);
    }

    [Fact]
    public void Stop_TheOneSecondAverageLagsTheFallByAboutASecond()
    {
        var (gpu, _) = MiningStopped(500);

        _time.Advance(TimeSpan.FromMilliseconds(700));
        var at700 = gpu.Read();
        _time.Advance(TimeSpan.FromMilliseconds(400));
        var at1100 = gpu.Read();

        Assert.Equal(80, at700.Power.Watts, 1e-3);                  // the instant reading is long down
        Assert.True(at700.AveragePower.Watts > 80 + (0.05 * 420), $"{at700.AveragePower}");   // the average is not
        Assert.Equal(80, at1100.AveragePower.Watts, 0.5);
    }

    [Fact]
    public void Stop_RepeatedBeforeTheKernelEnds_DoesNotPostponeTheFall()
    {
        var (gpu, stopAt) = MiningStopped(500);

        _time.Advance(TimeSpan.FromMilliseconds(20));
        gpu.Apply(null, Power.FromWatts(80));

        Assert.Equal(80 + (420 * Math.Exp(-3)), gpu.BoardPowerAt(stopAt + TimeSpan.FromMilliseconds(85)).Watts, 1e-3);
    }

    [Fact]
    public void Stop_WorkAgainBeforeTheKernelEnds_PowerNeverFalls()
    {
        var (gpu, stopAt) = MiningStopped(500);

        _time.Advance(TimeSpan.FromMilliseconds(10));
        gpu.Apply("mining", Power.FromWatts(500));

        Assert.Equal(500, gpu.BoardPowerAt(stopAt + TimeSpan.FromMilliseconds(200)).Watts, 1e-3);
        Assert.Equal(("mining", 500.0), (gpu.Read().Workload, gpu.Read().PowerTarget.Watts));
    }

    [Fact]
    public void Stop_EnergyCounterIsTheIntegralOfTheTailAndTheFall()
    {
        var (gpu, _) = MiningStopped(500);
        var before = gpu.Read().EnergyCounter.Joules;

        _time.Advance(TimeSpan.FromSeconds(1));

        // 25 ms at 500 W, then ∫ 80 + 420·e^(−t/20 ms) over 975 ms.
        var expected = (500 * 0.025) + (80 * 0.975) + (420 * 0.020 * (1 - Math.Exp(-975.0 / 20)));
        Assert.Equal(expected, gpu.Read().EnergyCounter.Joules - before, 1e-6);
    }

    [Fact]
    public void Apply_NewTargetWhileWorking_NoKernelTail()
    {
        var (gpu, stopAt) = MiningStopped(500);
        gpu.Apply("mining", Power.FromWatts(500));   // back before the launch ended: still 500 W
        gpu.Apply("mining", Power.FromWatts(300));   // a lower target while working: the controller's τ = 0.3 s at once

        Assert.Equal(300 + (200 * Math.Exp(-0.1 / 0.3)), gpu.BoardPowerAt(stopAt + TimeSpan.FromMilliseconds(100)).Watts, 1e-3);
    }

    [Fact]
    public void PowerReading_IsTheSimulatedInstantField()
    {
        Assert.Equal(("simulated-instant", TimeSpan.FromMilliseconds(25)), (Gpu().PowerReading.Source, Gpu().PowerReading.Window));
    }

    /// <summary>A GPU mining at <paramref name="watts"/> for 10 s, then told to idle now (on the 25-ms grid).</summary>
    private (SimulatedGpu Gpu, DateTimeOffset StopAt) MiningStopped(double watts)
    {
        var gpu = Gpu();
        gpu.Apply("mining", Power.FromWatts(watts));
        _time.Advance(TimeSpan.FromSeconds(10));
        gpu.Apply(null, Power.FromWatts(80));
        return (gpu, _time.GetUtcNow());
    }

    [Theory]
    [InlineData(1_000, 700)]
    [InlineData(50, 200)]
    [InlineData(0, 200)]
    [InlineData(450, 450)]
    public void Apply_TargetOutsideLimits_IsClampedToMinAndMax(double target, double expected)
    {
        var gpu = Gpu();
        gpu.Apply("mining", Power.FromWatts(target));

        _time.Advance(TimeSpan.FromSeconds(5));
        var state = gpu.Read();

        Assert.Equal(expected, state.PowerTarget.Watts);
        Assert.Equal(expected, state.Power.Watts, expected * 0.01);
    }

    [Fact]
    public void Apply_NoWorkload_GoesToIdlePowerWhateverTheTarget()
    {
        var gpu = Gpu();
        gpu.Apply("mining", Power.FromWatts(700));
        _time.Advance(TimeSpan.FromSeconds(5));

        gpu.Apply(null, Power.FromWatts(600));
        _time.Advance(TimeSpan.FromSeconds(5));
        var state = gpu.Read();

        Assert.Null(state.Workload);
        Assert.Equal(80, state.PowerTarget.Watts);
        Assert.Equal(80, state.Power.Watts, 0.8);
    }

    [Fact]
    public void EnergyCounter_ConstantPowerFor10s_IsPowerTimesTime()
    {
        var gpu = Gpu(idleW: 300);
        gpu.Apply("mining", Power.FromWatts(300));

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(3_000, gpu.Read().EnergyCounter.Joules, 30.0);
    }

    [Fact]
    public void EnergyCounter_StepFromIdle_IsTheIntegralOfTheRamp()
    {
        var gpu = Gpu();
        gpu.Apply("mining", Power.FromWatts(300));

        _time.Advance(TimeSpan.FromSeconds(10));

        // ∫ 300 + (80 − 300)·e^(−t/0.3) dt over 10 s = 3000 J − 220 W × 0.3 s (1 − e^(−33.3))
        Assert.Equal(3_000 - (220 * 0.3), gpu.Read().EnergyCounter.Joules, 1e-6);
    }

    [Fact]
    public void EnergyCounter_PolledOftenOrOnce_SameEnergy()
    {
        var polled = Gpu();
        var once = Gpu();
        polled.Apply("mining", Power.FromWatts(650));
        once.Apply("mining", Power.FromWatts(650));

        for (var i = 0; i < 30; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            polled.Read();
        }

        Assert.Equal(once.Read().EnergyCounter.Joules, polled.Read().EnergyCounter.Joules, 1e-6);
    }

    [Fact]
    public void Temperature_UnderFullLoad_RisesWellAboveAnIdleGpu()
    {
        var loaded = Gpu();
        var idle = Gpu();
        loaded.Apply("mining", Power.FromWatts(700));

        _time.Advance(TimeSpan.FromMinutes(2));
        var hot = loaded.Read().Temperature;
        var cool = idle.Read().Temperature;

        // Steady state 40 °C + 0.06 K/W × 700 W = 82 °C, approached with a 60-s time constant.
        Assert.InRange(hot.Celsius, 70, 82);
        Assert.True(hot.KelvinAbove(cool) > 20, $"{hot} vs idle {cool}");
    }
}
