namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>A heat-demand forecast per slot, what each slot was made from, and the temperature slope applied.</summary>
/// <param name="Kw">Forecast demand of each requested slot.</param>
/// <param name="Basis">What each slot was made from.</param>
/// <param name="SlopeKwPerK">Heat per kelvin applied to the temperature difference (0: no correction).</param>
public sealed record HeatForecast(double[] Kw, HeatForecastBasis[] Basis, double SlopeKwPerK)
{
    /// <summary>The weakest basis any slot used.</summary>
    public HeatForecastBasis Weakest => Basis.Length == 0 ? HeatForecastBasis.YesterdayAndLastWeek : Basis.Max();
}
