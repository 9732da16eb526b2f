using Energy.Contracts.Units;

namespace Energy.Contracts.Planning;

/// <summary>
/// Where a heat loop's heat goes in a slot. Balance: Captured + FromStorage + Boiler + Shortfall
/// = Demand + ToStorage + Dumped, with ToConsumer = Demand − Shortfall.
/// </summary>
public sealed record HeatDispatch(
    string Loop,
    Power Demand,
    Power Captured,
    Power ToConsumer,
    Power ToStorage,
    Power FromStorage,
    Power Dumped,
    Power Boiler,
    Power Shortfall,
    EnergyAmount StoredAtEnd);
