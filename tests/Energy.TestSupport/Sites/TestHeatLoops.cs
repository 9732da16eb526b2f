using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.TestSupport.Sites;

/// <summary>
/// Heat loops, tanks and boilers built directly, with the bathhouse example's figures as defaults,
/// so that a test names only the figures it is about.
/// </summary>
public static class TestHeatLoops
{
    public static HeatLoop Loop(
        double captureFraction = 0.85,
        double maxAbsorptionKw = 650,
        double peakDemandKw = 750,
        HeatStorage? storage = null,
        Boiler? boiler = null,
        double dryCoolerKw = 700,
        string name = "bath") =>
        new(
            name,
            captureFraction,
            Power.FromKilowatts(maxAbsorptionKw),
            EnergyPrice.EurPerMwh(60),
            new HeatConsumer("Stadtbad Therme", Power.FromKilowatts(peakDemandKw), Temperature.FromCelsius(70), EnergyPrice.EurPerMwh(500)),
            storage,
            boiler,
            Power.FromKilowatts(dryCoolerKw));

    public static HeatStorage Tank(
        double capacityKwh = 1_360,
        double minimumKwh = 100,
        double initialKwh = 700,
        double lossFractionPerHour = 0.005,
        double maxChargeKw = 500,
        double maxDischargeKw = 500) =>
        new(
            EnergyAmount.FromKilowattHours(capacityKwh),
            EnergyAmount.FromKilowattHours(minimumKwh),
            EnergyAmount.FromKilowattHours(initialKwh),
            lossFractionPerHour,
            Power.FromKilowatts(maxChargeKw),
            Power.FromKilowatts(maxDischargeKw));

    public static Boiler Boiler(double capacityKw = 1_200, double efficiency = 0.92, double fuelPricePerMwh = 52) =>
        new(Power.FromKilowatts(capacityKw), efficiency, EnergyPrice.EurPerMwh(fuelPricePerMwh));
}
