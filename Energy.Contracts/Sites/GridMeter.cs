using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>
/// The site meter HeatGrid holds the grid cap against: the import it measures, not the one HeatGrid
/// models. From it the controller estimates the load it does not control (metered import minus what
/// its GPUs draw) and sheds in the shed order when the meter nears the cap.
/// </summary>
/// <param name="Signal">The signal carrying the metered import in kW (by default <see cref="DefaultSignal"/>).</param>
/// <param name="StaleAfter">A reading older than this counts as lost: three poll periods of the device that feeds it, or the MQTT signal's maxAge.</param>
/// <param name="CapMargin">Share of the cap in force kept free for meter noise and lag (0.02 = 2 %): the planner and the controller hold the site under cap × (1 − margin).</param>
/// <param name="LossMargin">While the meter is lost, the worst recent base load plus this share of the contract cap is assumed (0.05 = 5 %).</param>
public sealed record GridMeter(string Signal, TimeSpan StaleAfter, double CapMargin, double LossMargin)
{
    public const string DefaultSignal = "grid.meteredImportKw";

    public const double DefaultCapMargin = 0.02;

    public const double DefaultLossMargin = 0.05;

    /// <summary>The import a site is held under with a meter: the cap in force less the margin (the planner and the controller alike).</summary>
    public static Power HoldBelow(Power capInForce, double capMargin) => capInForce * (1 - capMargin);

    /// <summary>Without a poll period or maxAge to go by: how long a reading stays current.</summary>
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromSeconds(10);
}
