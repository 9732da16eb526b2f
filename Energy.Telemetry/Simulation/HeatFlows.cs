using Energy.Contracts.Units;

namespace Energy.Telemetry.Simulation;

/// <summary>
/// Where the energy of one simulation step went, as average powers over the step. The balances that
/// hold every step:
/// <list type="bullet">
/// <item>GpuPower = Captured + ToRoom (every electric watt of a GPU becomes heat)</item>
/// <item>Captured = GpuToConsumer + ToStorage + Dumped</item>
/// <item>Demand = GpuToConsumer + FromStorage + Boiler + Shortfall</item>
/// <item>ΔStored / dt = ToStorage − FromStorage − StorageLoss</item>
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
    EnergyAmount StoredAtStart,
    EnergyAmount StoredAtEnd)
{
    /// <summary>Heat HeatGrid delivered to the consumer: from the GPUs directly and from the tank.</summary>
    public Power Delivered => GpuToConsumer + FromStorage;
}
