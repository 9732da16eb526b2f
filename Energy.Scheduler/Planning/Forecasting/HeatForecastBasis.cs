namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>What a slot's heat forecast was made from, best first: the later ones are the fallbacks.</summary>
public enum HeatForecastBasis
{
    /// <summary>The same slot on recent days, the same weekday (a week or two back) among them.</summary>
    RecentDaysAndSameWeekday,

    /// <summary>The same slot on recent days only (no known slot on the same weekday).</summary>
    RecentDays,

    /// <summary>The same slot on the same weekday only (no known slot on the other recent days).</summary>
    SameWeekday,

    /// <summary>No earlier day is known: the latest observed demand.</summary>
    LatestObserved,

    /// <summary>Nothing observed at all: half the consumer's design peak.</summary>
    HalfDesignPeak,
}
