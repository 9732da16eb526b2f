namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>What a slot's heat forecast was made from, best first: the later ones are the fallbacks.</summary>
public enum HeatForecastBasis
{
    /// <summary>Mean of the same slot yesterday and the same slot a week earlier.</summary>
    YesterdayAndLastWeek,

    /// <summary>The same slot yesterday only (no known slot a week earlier).</summary>
    Yesterday,

    /// <summary>The same slot a week earlier only (no known slot yesterday).</summary>
    LastWeek,

    /// <summary>Neither is known: the latest observed demand.</summary>
    LatestObserved,

    /// <summary>Nothing observed at all: half the consumer's design peak.</summary>
    HalfDesignPeak,
}
