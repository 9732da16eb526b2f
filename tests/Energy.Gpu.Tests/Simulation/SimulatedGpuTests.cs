using Energy.Contracts.Units;
using Energy.Gpu.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Simulation;

/// <summary>An H100-like GPU: 80 W idle, power limits 200–700 W, power time constant 0.3 s.</summary>
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
        Assert.Equal(80 + (370 * (1 - Math.Exp(-1))), gpu.Read().Power.Watts, 1e-6);
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
