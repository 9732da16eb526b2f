using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Sites;

public class HeatStorageTests
{
    private static readonly Temperature Sixty = Temperature.FromCelsius(60);
    private static readonly Temperature Ninety = Temperature.FromCelsius(90);

    [Fact]
    public void EnergyOfWater_BathhouseTank_IsAbout1point36Megawatthours()
    {
        var energy = HeatStorage.EnergyOfWater(40_000, Sixty, Ninety);

        // m·c·ΔT = 40 000 l × 0.975 kg/l × 4.19 kJ/(kg·K) × 30 K = 4.9023 GJ
        Assert.Equal(4.9023e9, energy.Joules, 1e3);
        Assert.Equal(1.36175, energy.MegawattHours, 5);
    }

    [Fact]
    public void EnergyOfWater_DoubleVolume_DoublesEnergy()
    {
        var single = HeatStorage.EnergyOfWater(1_000, Sixty, Ninety);
        var twice = HeatStorage.EnergyOfWater(2_000, Sixty, Ninety);

        Assert.Equal(2, twice / single, 12);
    }

    [Fact]
    public void EnergyOfWater_DoubleTemperatureSpan_DoublesEnergy()
    {
        var thirty = HeatStorage.EnergyOfWater(1_000, Sixty, Ninety);
        var sixty = HeatStorage.EnergyOfWater(1_000, Temperature.FromCelsius(30), Ninety);

        Assert.Equal(2, sixty / thirty, 12);
    }

    [Fact]
    public void EnergyOfWater_SameTemperatures_IsZero()
    {
        Assert.Equal(EnergyAmount.Zero, HeatStorage.EnergyOfWater(40_000, Sixty, Sixty));
    }

    [Fact]
    public void EnergyOfWater_OneLitreOneKelvin_IsAbout1point13Watthours()
    {
        var energy = HeatStorage.EnergyOfWater(1, Temperature.FromCelsius(20), Temperature.FromCelsius(21));

        Assert.Equal(0.975 * 4_190, energy.Joules, 9);
    }

    [Fact]
    public void Constructor_Figures_AreKeptAsGiven()
    {
        var tank = new HeatStorage(EnergyAmount.FromKilowattHours(1_000), EnergyAmount.FromKilowattHours(100),
            EnergyAmount.FromKilowattHours(500), 0.005, Power.FromKilowatts(400), Power.FromKilowatts(300));

        Assert.Equal(1_000, tank.Capacity.KilowattHours);
        Assert.Equal(100, tank.Minimum.KilowattHours);
        Assert.Equal(500, tank.Initial.KilowattHours);
        Assert.Equal(400, tank.MaxCharge.Kilowatts);
        Assert.Equal(300, tank.MaxDischarge.Kilowatts);
    }
}
