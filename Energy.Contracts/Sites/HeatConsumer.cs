using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>The heat customer on a loop (a bathhouse, a district-heating network).</summary>
/// <param name="Name">Who it is.</param>
/// <param name="PeakDemand">Design peak heat demand; used to scale simulated demand and to size checks.</param>
/// <param name="SupplyTemperature">Supply temperature the consumer needs.</param>
/// <param name="ShortfallPenalty">Penalty per MWh of demand neither GPUs, tank nor boiler served.</param>
public sealed record HeatConsumer(string Name, Power PeakDemand, Temperature SupplyTemperature, EnergyPrice ShortfallPenalty);
