using Energy.Contracts.Units;

namespace Energy.Contracts.Heat;

/// <summary>
/// Where the energy of one simulation step went, as average powers over the step. The balances that
/// hold every step:
/// <list type="bullet">
/// <item>GpuPower = Captured + ToRoom (every electric watt of a GPU becomes heat)</item>
/// <item>Captured = GpuToConsumer + ToStorage + Dumped</item>
/// <item>Demand = GpuToConsumer + FromStorage + Boiler + Shortfall</item>
/// <item>ΔStored / dt = ToStorage + BoilerToStorage − FromStorage − StorageLoss</item>
/// </list>
/// Boiler is the boiler's heat to the consumer; BoilerToStorage is what it puts into the tank to keep
/// the tank's reserve (its Minimum) against standing losses.
/// <list type="bullet">
/// <item>Boiler + BoilerToStorage ≤ the boiler's capacity</item>
/// </list>
/// </summary>
public sealed record HeatFlows(
    Power GpuPower,
    Power Captured,
    Power ToRoom,
    Power Demand,
    Power GpuToConsumer,
    Power ToStorage,
    Power FromStorage,
    Power StorageLoss,
    Power Dumped,
    Power Boiler,
    Power Shortfall,
    Power BoilerToStorage,
    EnergyAmount StoredAtStart,
    EnergyAmount StoredAtEnd)
{
    /// <summary>Heat HeatGrid delivered to the consumer: from the GPUs directly and from the tank.</summary>
    public Power Delivered => GpuToConsumer + FromStorage;
}
