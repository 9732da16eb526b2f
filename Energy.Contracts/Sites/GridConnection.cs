using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>The site's grid connection: the import cap that must hold at every instant, and the tariff.</summary>
/// <param name="ImportCap">Contracted or physical maximum import; never exceeded.</param>
/// <param name="BaseLoad">Load that HeatGrid does not control (lighting, pumps, network gear), as the operator estimates it; with a site meter the controller measures it instead.</param>
/// <param name="Tariff">What is paid per MWh on top of the spot price.</param>
public sealed record GridConnection(Power ImportCap, Power BaseLoad, GridTariff Tariff)
{
    /// <summary>The site meter the cap is held against; null when the site has none (the cap is then held against the model, with <see cref="BaseLoad"/>).</summary>
    public GridMeter? Meter { get; init; }

    /// <summary>The import the site is held under: the cap in force less the meter's margin (the whole cap without a meter).</summary>
    public Power HoldBelow(Power capInForce) => Meter is { } meter ? GridMeter.HoldBelow(capInForce, meter.CapMargin) : capInForce;

    /// <summary>What is left for controllable load once the base load is served.</summary>
    public Power ControllableCap => Power.Max(Power.Zero, ImportCap - BaseLoad);
}
