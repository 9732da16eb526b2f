using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>A hot-water tank, modelled by its usable energy content.</summary>
/// <param name="Capacity">Usable energy between its lowest and highest temperature.</param>
/// <param name="Minimum">EnergyAmount that must stay in the tank (e.g. legionella or comfort reserve).</param>
/// <param name="Initial">EnergyAmount at start.</param>
/// <param name="LossFractionPerHour">Share of the stored energy lost per hour (0.005 = 0.5 %/h).</param>
/// <param name="MaxCharge">Highest charging power.</param>
/// <param name="MaxDischarge">Highest discharging power.</param>
public sealed record HeatStorage(
    EnergyAmount Capacity,
    EnergyAmount Minimum,
    EnergyAmount Initial,
    double LossFractionPerHour,
    Power MaxCharge,
    Power MaxDischarge)
{
    /// <summary>Water's specific heat, kJ/(kg·K), and density, kg/l, at 60–90 °C.</summary>
    private const double WaterHeatCapacityKjPerKgK = 4.19;
    private const double WaterDensityKgPerLitre = 0.975;

    /// <summary>Usable energy of a water tank between two temperatures: m · c · ΔT.</summary>
    public static EnergyAmount EnergyOfWater(double volumeLitres, Temperature low, Temperature high) =>
        EnergyAmount.FromJoules(volumeLitres * WaterDensityKgPerLitre * WaterHeatCapacityKjPerKgK * 1_000 * high.KelvinAbove(low));
}
