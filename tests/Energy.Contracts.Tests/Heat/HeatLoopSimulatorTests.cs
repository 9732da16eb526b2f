using Energy.Contracts.Heat;
using Energy.Contracts.Units;
using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Heat;

/// <summary>Single steps with figures worked out by hand (bathhouse loop: 85 % capture, 650 kW exchanger).</summary>
public class HeatLoopSimulatorTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static Power Kw(double kilowatts) => Power.FromKilowatts(kilowatts);

    private static HeatLoopSimulator Simulator(double initialKwh = 700, double lossFractionPerHour = 0, double? boilerKw = 1_200, bool tank = true) =>
        new(TestHeatLoops.Loop(
            storage: tank ? TestHeatLoops.Tank(initialKwh: initialKwh, lossFractionPerHour: lossFractionPerHour) : null,
            boiler: boilerKw is { } kw ? TestHeatLoops.Boiler(kw) : null));

    [Fact]
    public void Step_SurplusHeat_ServesConsumerFirstThenChargesTank()
    {
        var flows = Simulator().Step(Kw(1_000), Kw(200), Hour);

        Assert.Equal(650, flows.Captured.Kilowatts, 6);        // 850 kW capturable, exchanger takes 650
        Assert.Equal(350, flows.ToRoom.Kilowatts, 6);
        Assert.Equal(200, flows.GpuToConsumer.Kilowatts, 6);
        Assert.Equal(450, flows.ToStorage.Kilowatts, 6);
        Assert.Equal(0, flows.Dumped.Watts, 6);
        Assert.Equal(1_150, flows.StoredAtEnd.KilowattHours, 6);
    }

    [Fact]
    public void Step_SurplusAboveChargeLimit_RestGoesToDryCooler()
    {
        var flows = Simulator().Step(Kw(1_000), Kw(0), Hour);

        Assert.Equal(500, flows.ToStorage.Kilowatts, 6);
        Assert.Equal(150, flows.Dumped.Kilowatts, 6);
    }

    [Fact]
    public void Step_TankNearlyFull_ChargesOnlyUpToCapacity()
    {
        var simulator = Simulator(initialKwh: 1_300);

        var flows = simulator.Step(Kw(1_000), Kw(0), Hour);

        Assert.Equal(60, flows.ToStorage.Kilowatts, 6);
        Assert.Equal(590, flows.Dumped.Kilowatts, 6);
        Assert.Equal(1_360, simulator.Stored.KilowattHours, 6);
    }

    [Fact]
    public void Step_Deficit_ServedByTankThenBoiler()
    {
        var flows = Simulator().Step(Kw(0), Kw(1_000), Hour);

        Assert.Equal(500, flows.FromStorage.Kilowatts, 6);
        Assert.Equal(500, flows.Boiler.Kilowatts, 6);
        Assert.Equal(0, flows.Shortfall.Watts, 6);
        Assert.Equal(500, flows.Delivered.Kilowatts, 6);
        Assert.Equal(200, flows.StoredAtEnd.KilowattHours, 6);
    }

    [Fact]
    public void Step_DeficitBeyondBoiler_IsShortfall()
    {
        var flows = Simulator(boilerKw: 300).Step(Kw(0), Kw(1_000), Hour);

        Assert.Equal(300, flows.Boiler.Kilowatts, 6);
        Assert.Equal(200, flows.Shortfall.Kilowatts, 6);
    }

    [Fact]
    public void Step_NoTankNoBoiler_WholeDeficitIsShortfall()
    {
        var flows = Simulator(boilerKw: null, tank: false).Step(Kw(400), Kw(1_000), Hour);

        Assert.Equal(340, flows.GpuToConsumer.Kilowatts, 6);
        Assert.Equal(660, flows.Shortfall.Kilowatts, 6);
        Assert.Equal(EnergyAmount.Zero, flows.StoredAtEnd);
    }

    [Fact]
    public void Step_TankDischarge_StopsAtMinimum()
    {
        var flows = Simulator(initialKwh: 300).Step(Kw(0), Kw(1_000), Hour);

        Assert.Equal(200, flows.FromStorage.Kilowatts, 6);
        Assert.Equal(100, flows.StoredAtEnd.KilowattHours, 6);
        Assert.Equal(800, flows.Boiler.Kilowatts, 6);
    }

    [Fact]
    public void Step_IdleLoop_TankLosesItsStandingLoss()
    {
        var simulator = Simulator(initialKwh: 1_000, lossFractionPerHour: 0.01);

        var flows = simulator.Step(Kw(0), Kw(0), Hour);

        Assert.Equal(10, flows.StorageLoss.Kilowatts, 6);
        Assert.Equal(990, simulator.Stored.KilowattHours, 6);
    }

    [Fact]
    public void Step_NegativeInputs_AreTreatedAsZero()
    {
        var flows = Simulator().Step(Kw(-50), Kw(-20), Hour);

        Assert.Equal(Power.Zero, flows.GpuPower);
        Assert.Equal(Power.Zero, flows.Demand);
        Assert.Equal(700, flows.StoredAtEnd.KilowattHours, 6);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Step_NonPositiveDuration_Throws(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Simulator().Step(Kw(1), Kw(1), TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Constructor_StoredAboveCapacity_IsClampedToCapacity()
    {
        var loop = TestHeatLoops.Loop(storage: TestHeatLoops.Tank(capacityKwh: 1_000));

        Assert.Equal(1_000, new HeatLoopSimulator(loop, EnergyAmount.FromKilowattHours(5_000)).Stored.KilowattHours, 6);
        Assert.Equal(700, new HeatLoopSimulator(loop).Stored.KilowattHours, 6);
        Assert.Equal(EnergyAmount.Zero, new HeatLoopSimulator(TestHeatLoops.Loop()).Stored);
    }

    [Fact]
    public void Step_TankAtMinimumWithStandingLoss_StaysAtMinimum()
    {
        var simulator = Simulator(initialKwh: 100, lossFractionPerHour: 0.005);

        var flows = simulator.Step(Kw(0), Kw(500), Hour);

        Assert.True(flows.StoredAtEnd.KilowattHours >= 100, $"stored {flows.StoredAtEnd} is below the 100 kWh minimum");
    }
}
