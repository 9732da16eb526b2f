using Energy.Contracts.Units;

namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>The live heat forecast: demand per loop and price slot, and per loop the weakest basis any slot used.</summary>
/// <param name="TemperatureCorrected">Loops whose forecast was moved by the outdoor temperature.</param>
public sealed record HeatDemandOutlook(
    IReadOnlyDictionary<string, IReadOnlyList<Power>> Demand,
    IReadOnlyDictionary<string, HeatForecastBasis> Basis,
    IReadOnlySet<string> TemperatureCorrected)
{
    /// <summary>Loops planned on half their design peak: nothing was ever observed.</summary>
    public IReadOnlyList<string> DesignPeakLoops => Basis.Where(b => b.Value == HeatForecastBasis.HalfDesignPeak).Select(b => b.Key).ToList();
}
