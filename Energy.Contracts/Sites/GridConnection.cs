using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>The site's grid connection: the import cap that must hold at every instant, and the tariff.</summary>
/// <param name="ImportCap">Contracted or physical maximum import; never exceeded.</param>
/// <param name="BaseLoad">Load that HeatGrid does not control (lighting, pumps, network gear).</param>
/// <param name="Tariff">What is paid per MWh on top of the spot price.</param>
public sealed record GridConnection(Power ImportCap, Power BaseLoad, GridTariff Tariff)
{
    /// <summary>What is left for controllable load once the base load is served.</summary>
    public Power ControllableCap => Power.Max(Power.Zero, ImportCap - BaseLoad);
}
