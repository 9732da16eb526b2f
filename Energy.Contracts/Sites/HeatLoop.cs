using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>
/// A hot-water loop that takes heat from liquid-cooled GPUs and delivers it to a consumer, a tank or
/// a dry cooler, with a backup boiler for what the GPUs do not cover.
/// </summary>
/// <param name="Name">Unique loop name.</param>
/// <param name="CaptureFraction">Share of the GPU power of its pools that reaches the loop as heat (0..1).</param>
/// <param name="MaxAbsorption">Most heat the loop's heat exchanger can take from the GPUs.</param>
/// <param name="HeatPrice">What the consumer pays per MWh of heat delivered.</param>
/// <param name="Consumer">Who buys the heat, and the size of their demand.</param>
/// <param name="Storage">An optional hot-water tank.</param>
/// <param name="Boiler">An optional backup boiler; without one, unmet demand is a shortfall.</param>
/// <param name="DryCooler">Most heat the dry cooler can throw away; surplus beyond it must not be produced.</param>
public sealed record HeatLoop(
    string Name,
    double CaptureFraction,
    Power MaxAbsorption,
    EnergyPrice HeatPrice,
    HeatConsumer Consumer,
    HeatStorage? Storage,
    Boiler? Boiler,
    Power DryCooler)
{
    /// <summary>
    /// Above this coolant temperature the GPUs on this loop are taken off it (their work moves to
    /// air-cooled pools where it may run, else it is curtailed) until it is 3 K below again; null for no limit.
    /// </summary>
    public Temperature? MaxCoolantTemperature { get; init; }

    /// <summary>The signal carrying the coolant temperature the GPUs see; by default the heat meter's return temperature.</summary>
    public string CoolantTemperatureSignal { get; init; } = $"{Name}.returnTemperatureC";
}
