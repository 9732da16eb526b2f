using Energy.Contracts.Agents;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Gpu.Simulation;
using Energy.Scheduler.Controller.Dispatch;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.Dispatch;

public sealed class ThermalGuardTests
{
    private static readonly DateTimeOffset Until = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Site _site = TestSites.BathhouseWith(
        "    dryCoolerKw: 700             # surplus heat can always be thrown away",
        "    dryCoolerKw: 700\n    maxCoolantTemperatureC: 50");
    private readonly IReadOnlyList<GpuState> _gpus;
    private readonly ThermalGuard _guard;

    public ThermalGuardTests()
    {
        _gpus = SimulatedFleet.ForSite(_site, new FakeTimeProvider()).Select(g => g.Read()).ToList();
        _guard = new ThermalGuard(_site);
    }

    [Fact]
    public void SiteFile_ReadsTheCoolantLimitAndDefaultsItsSignal()
    {
        var loop = _site.HeatLoops.Single();
        Assert.Equal(50, loop.MaxCoolantTemperature!.Value.Celsius);
        Assert.Equal("bath.returnTemperatureC", loop.CoolantTemperatureSignal);
    }

    [Fact]
    public void Apply_CoolantBelowTheLimit_ChangesNothing()
    {
        var wanted = Wanted(liquidMiningGpus: 100, wattsEach: 500);
        var explanations = new List<string>();

        var result = _guard.Apply(wanted, _gpus, _ => 45, explanations);

        Assert.Same(wanted, result);
        Assert.Empty(explanations);
    }

    [Fact]
    public void Apply_CoolantOverTheLimit_IdlesTheLoopsGpusAndMovesMiningToAirCooledGpus()
    {
        // 100 liquid GPUs mining at 500 W: 50 kW, which 143 air-cooled GPUs at 350 W could carry; 256 are idle.
        var wanted = Wanted(liquidMiningGpus: 100, wattsEach: 500);
        var explanations = new List<string>();

        var result = _guard.Apply(wanted, _gpus, _ => 52.5, explanations);

        Assert.All(result.Where(a => a.GpuId.StartsWith("liquid-h100/", StringComparison.Ordinal)), a => Assert.Null(a.Workload));
        var air = result.Where(a => a.GpuId.StartsWith("air-l40s/", StringComparison.Ordinal) && a.Workload == "mining").ToList();
        Assert.Equal(50_000, air.Sum(a => a.PowerTarget.Watts), precision: 6);
        Assert.All(air, a => Assert.True(a.PowerTarget.Watts <= 350 && a.Shed == ShedStep.Mining));
        Assert.Contains(explanations, e => e.Contains("bath coolant at 52.5 °C is above its 50 °C limit", StringComparison.Ordinal));
        Assert.Contains(explanations, e => e.Contains("100 GPUs idled; moved mining to 143 air-cooled GPUs", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_HeaterOnAnOverheatedLoop_IsCurtailedNotMoved()
    {
        var wanted = Wanted(liquidMiningGpus: 0, wattsEach: 500, liquidHeaterGpus: 10);
        var explanations = new List<string>();

        var result = _guard.Apply(wanted, _gpus, _ => 60, explanations);

        Assert.DoesNotContain(result, a => a.Workload == "heater");
        Assert.DoesNotContain(result, a => a.GpuId.StartsWith("air-l40s/", StringComparison.Ordinal) && a.Workload is not null);
        Assert.Contains(explanations, e => e.EndsWith("nothing could move: curtailed", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_CoolantBetweenTheResumePointAndTheLimit_StaysHeldUntil3KBelow()
    {
        var wanted = Wanted(liquidMiningGpus: 10, wattsEach: 500);
        _guard.Apply(wanted, _gpus, _ => 51, []);

        var stillHot = _guard.Apply(wanted, _gpus, _ => 48, []);
        var missing = _guard.Apply(wanted, _gpus, _ => null, []);
        var cooled = _guard.Apply(wanted, _gpus, _ => 46.9, []);

        Assert.DoesNotContain(stillHot, a => a.GpuId.StartsWith("liquid-h100/", StringComparison.Ordinal) && a.Workload is not null);
        Assert.DoesNotContain(missing, a => a.GpuId.StartsWith("liquid-h100/", StringComparison.Ordinal) && a.Workload is not null);
        Assert.Same(wanted, cooled);
        Assert.Empty(_guard.HotLoops);
    }

    private List<GpuAssignment> Wanted(int liquidMiningGpus, double wattsEach, int liquidHeaterGpus = 0)
    {
        var liquid = 0;
        return [.. _gpus.Select(g =>
        {
            if (g.Pool != "liquid-h100")
            {
                return new GpuAssignment(g.GpuId, null, Power.FromWatts(35), Until, 1);
            }

            liquid++;
            return liquid <= liquidMiningGpus
                ? new GpuAssignment(g.GpuId, "mining", Power.FromWatts(wattsEach), Until, 1) { Shed = ShedStep.Mining }
                : liquid <= liquidMiningGpus + liquidHeaterGpus
                    ? new GpuAssignment(g.GpuId, "heater", Power.FromWatts(wattsEach), Until, 1) { Shed = ShedStep.Heater }
                    : new GpuAssignment(g.GpuId, null, Power.FromWatts(80), Until, 1);
        })];
    }
}
