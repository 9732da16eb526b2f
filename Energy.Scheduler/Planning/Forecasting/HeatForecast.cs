namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>A heat-demand forecast per slot, what each slot was made from, the temperature slope and the recent level applied.</summary>
/// <param name="Kw">Forecast demand of each requested slot.</param>
/// <param name="Basis">What each slot was made from.</param>
/// <param name="SlopeKwPerK">Heat per kelvin applied to the temperature difference (0: no correction).</param>
/// <param name="LevelKw">How far the latest hours ran above (positive) or below their profile; it fades into the forecast ahead.</param>
public sealed record HeatForecast(double[] Kw, HeatForecastBasis[] Basis, double SlopeKwPerK, double LevelKw = 0)
{
    /// <summary>The weakest basis any slot used.</summary>
    public HeatForecastBasis Weakest => Basis.Length == 0 ? HeatForecastBasis.RecentDaysAndSameWeekday : Basis.Max();
}
