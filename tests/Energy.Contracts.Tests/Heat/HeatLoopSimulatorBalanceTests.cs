using Energy.Contracts.Heat;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Heat;

/// <summary>
/// Many random steps (seeded) per loop layout: the energy balances of <see cref="HeatFlows"/> close every
/// step and no limit of the exchanger, tank or boiler is exceeded.
/// </summary>
public class HeatLoopSimulatorBalanceTests
{
    private const int Steps = 2_000;
    private const double WattTolerance = 1e-3;
    private const double WattHourTolerance = 1e-3;

    private static readonly Dictionary<string, HeatLoop> Layouts = new(StringComparer.Ordinal)
    {
        ["tank and boiler"] = TestHeatLoops.Loop(storage: TestHeatLoops.Tank(), boiler: TestHeatLoops.Boiler()),
        ["tank, small boiler"] = TestHeatLoops.Loop(storage: TestHeatLoops.Tank(lossFractionPerHour: 0.05), boiler: TestHeatLoops.Boiler(250)),
        ["boiler only"] = TestHeatLoops.Loop(boiler: TestHeatLoops.Boiler()),
        ["tank only"] = TestHeatLoops.Loop(storage: TestHeatLoops.Tank(capacityKwh: 200, minimumKwh: 0, initialKwh: 0, maxChargeKw: 100, maxDischargeKw: 800)),
        ["neither"] = TestHeatLoops.Loop(captureFraction: 1, maxAbsorptionKw: 2_000),
    };

    public static TheoryData<string, int> Runs()
    {
        var runs = new TheoryData<string, int>();
        foreach (var layout in Layouts.Keys)
        {
            runs.Add(layout, 1);
            runs.Add(layout, 20240331);
        }

        return runs;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Step_RandomInputs_BalancesCloseEveryStep(string layout, int seed)
    {
        var simulator = new HeatLoopSimulator(Layouts[layout]);
        var random = new Random(seed);
        for (var i = 0; i < Steps; i++)
        {
            var (gpu, demand, dt) = RandomInputs(random);
            var f = simulator.Step(gpu, demand, dt);

            Assert.Equal((gpu, demand), (f.GpuPower, f.Demand));
            Assert.Equal(f.GpuPower.Watts, (f.Captured + f.ToRoom).Watts, WattTolerance);
            Assert.Equal(f.Captured.Watts, (f.GpuToConsumer + f.ToStorage + f.Dumped).Watts, WattTolerance);
            Assert.Equal(f.Demand.Watts, (f.GpuToConsumer + f.FromStorage + f.Boiler + f.Shortfall).Watts, WattTolerance);
            Assert.Equal((f.StoredAtEnd - f.StoredAtStart).WattHours, ((f.ToStorage + f.BoilerToStorage - f.FromStorage - f.StorageLoss) * dt).WattHours, WattHourTolerance);
            Assert.Equal(f.StoredAtEnd, simulator.Stored);
        }
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Step_RandomInputs_NoLimitExceeded(string layout, int seed)
    {
        var loop = Layouts[layout];
        var simulator = new HeatLoopSimulator(loop);
        var random = new Random(seed);
        for (var i = 0; i < Steps; i++)
        {
            var (gpu, demand, dt) = RandomInputs(random);
            var f = simulator.Step(gpu, demand, dt);
            var step = $"step {i}: {f}";

            Assert.All(new[] { f.Captured, f.ToRoom, f.GpuToConsumer, f.ToStorage, f.FromStorage, f.StorageLoss, f.Dumped, f.Boiler, f.Shortfall, f.BoilerToStorage },
                p => Assert.True(p.Watts >= -WattTolerance, step));
            Assert.True(f.Captured.Watts <= loop.MaxAbsorption.Watts + WattTolerance, step);
            Assert.True(f.Captured.Watts <= (f.GpuPower * loop.CaptureFraction).Watts + WattTolerance, step);
            Assert.Equal(Power.Min(f.Captured, f.Demand).Watts, f.GpuToConsumer.Watts, WattTolerance);
            Assert.False(f.ToStorage.Watts > WattTolerance && f.FromStorage.Watts > WattTolerance, step);
            AssertBoiler(loop.Boiler, f, step);
            AssertTank(loop.Storage, f, step);
        }
    }

    private static void AssertBoiler(Boiler? boiler, HeatFlows f, string step)
    {
        Assert.True((f.Boiler + f.BoilerToStorage).Watts <= (boiler?.Capacity.Watts ?? 0) + WattTolerance, step);
        if (f.Shortfall.Watts > WattTolerance && boiler is not null)
        {
            Assert.True(f.Boiler.Watts >= boiler.Capacity.Watts - WattTolerance, "shortfall while the boiler had room: " + step);
        }
    }

    private static void AssertTank(HeatStorage? tank, HeatFlows f, string step)
    {
        if (tank is null)
        {
            Assert.Equal(Power.Zero, f.ToStorage + f.FromStorage + f.StorageLoss);
            return;
        }

        Assert.True(f.StoredAtEnd.WattHours <= tank.Capacity.WattHours + WattHourTolerance, step);
        Assert.True(f.StoredAtEnd.WattHours >= -WattHourTolerance, step);
        Assert.True(f.ToStorage.Watts <= tank.MaxCharge.Watts + WattTolerance, step);
        Assert.True(f.FromStorage.Watts <= tank.MaxDischarge.Watts + WattTolerance, step);
        if (f.FromStorage.Watts > WattTolerance)
        {
            Assert.True(f.StoredAtEnd.WattHours >= tank.Minimum.WattHours - WattHourTolerance, "discharged below the minimum: " + step);
        }

        if (f.Dumped.Watts > WattTolerance)
        {
            // Heat is thrown away only when the tank could take no more in this step.
            var tankFull = f.StoredAtEnd.WattHours >= tank.Capacity.WattHours - WattHourTolerance;
            Assert.True(tankFull || f.ToStorage.Watts >= tank.MaxCharge.Watts - WattTolerance, "dumped while the tank had room: " + step);
        }
    }

    private static (Power Gpu, Power Demand, TimeSpan Dt) RandomInputs(Random random) => (
        Power.FromMegawatts(random.NextDouble()),
        Power.FromMegawatts(1.5 * random.NextDouble()),
        TimeSpan.FromSeconds(1 + (random.NextDouble() * 3_599)));
}
