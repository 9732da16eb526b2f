using Energy.Contracts.Agents;
using Energy.Contracts.Units;
using Energy.Gpu.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Simulation;

/// <summary>The 1-s trailing average that NVML's power usage reports, as the simulated GPU models it.</summary>
public class SimulatedGpuAveragePowerTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 7, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SimulatedGpu _gpu;

    public SimulatedGpuAveragePowerTests() =>
        _gpu = new SimulatedGpu("liquid-h100/0", "H100 SXM 80GB", "liquid-h100", Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700), _time);

    private GpuState PollFor(TimeSpan duration)
    {
        var state = _gpu.Read();
        for (var t = TimeSpan.Zero; t < duration; t += Poll)
        {
            _time.Advance(Poll);
            state = _gpu.Read();
        }

        return state;
    }

    [Fact]
    public void AveragePower_RightAfterStepUp_LagsBelowInstantPower()
    {
        PollFor(TimeSpan.FromSeconds(2));
        _gpu.Apply("mining", Power.FromWatts(700));

        var state = PollFor(TimeSpan.FromMilliseconds(300));

        Assert.True(state.AveragePower < state.Power, $"average {state.AveragePower} should lag power {state.Power}");
        Assert.True(state.AveragePower.Watts > 80, "the window already holds some of the new power");
    }

    [Fact]
    public void AveragePower_RightAfterStepDown_LagsAboveInstantPower()
    {
        _gpu.Apply("mining", Power.FromWatts(700));
        PollFor(TimeSpan.FromSeconds(3));
        _gpu.Apply("mining", Power.FromWatts(200));

        var state = PollFor(TimeSpan.FromMilliseconds(300));

        Assert.True(state.AveragePower > state.Power, $"average {state.AveragePower} should lag power {state.Power}");
    }

    [Fact]
    public void AveragePower_SettledForMoreThanOneSecond_MatchesInstantPower()
    {
        _gpu.Apply("mining", Power.FromWatts(450));

        var state = PollFor(TimeSpan.FromSeconds(2));

        Assert.Equal(state.Power.Watts, state.AveragePower.Watts, state.Power.Watts * 0.01);
        Assert.Equal(450, state.AveragePower.Watts, 4.5);
    }

    [Fact]
    public void AveragePower_ConstantIdle_EqualsIdlePower()
    {
        var state = PollFor(TimeSpan.FromSeconds(3));

        Assert.Equal(80, state.AveragePower.Watts, 1e-9);
    }

    [Fact]
    public void AveragePower_SettledButReadOnlyOnce_MatchesInstantPower()
    {
        _gpu.Apply("mining", Power.FromWatts(450));

        _time.Advance(TimeSpan.FromSeconds(2));
        var state = _gpu.Read();

        Assert.Equal(state.Power.Watts, state.AveragePower.Watts, state.Power.Watts * 0.01);
    }
}
