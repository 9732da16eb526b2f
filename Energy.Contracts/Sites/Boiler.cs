using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>The backup boiler that serves heat demand the GPUs and the tank do not cover.</summary>
/// <param name="Capacity">Highest heat output.</param>
/// <param name="Efficiency">Heat out per fuel energy in (0..1].</param>
/// <param name="FuelPrice">Price per MWh of fuel.</param>
public sealed record Boiler(Power Capacity, double Efficiency, EnergyPrice FuelPrice)
{
    /// <summary>What a MWh of heat from this boiler costs in fuel.</summary>
    public EnergyPrice HeatCost => FuelPrice / Efficiency;
}
