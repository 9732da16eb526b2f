using Energy.Contracts.Agents.Protocol;

namespace Energy.Scheduler.Controller.DemandResponse;

/// <summary>
/// Demand-response evidence summed up per kind (<c>frequency</c>, <c>curtail</c>, <c>restore</c>), the way a
/// prequalification reads it: how many actions, how many had their power observed down, how many within
/// their deadline, and signal → power observed down (p50/p99/max, nearest rank) — the figure the deadline is
/// held against — before the command time (signal seen → GPUs commanded). Per deadline too, since stages
/// differ (Nordic FFR: 1.3 / 1.0 / 0.7 s). <c>GET /api/dr/summary</c>.
/// </summary>
/// <param name="Events">Events summed up (the latest the log keeps).</param>
public sealed record DemandResponseSummary(int Events, IReadOnlyList<DemandResponseKindSummary> Kinds)
{
    public static DemandResponseSummary Of(IReadOnlyCollection<DemandResponseEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var kinds = events
            .GroupBy(e => e.Kind, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => DemandResponseKindSummary.Of(g.Key, [.. g]))
            .ToList();
        return new DemandResponseSummary(events.Count, kinds);
    }

    /// <summary>The nearest-rank percentile of sorted values; null for none.</summary>
    public static double? NearestRank(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    internal static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;
}

/// <param name="Observed">Events whose power was observed down (a restore never is: it raises power).</param>
/// <param name="Met">Observed within the deadline, counted from the signal's own time.</param>
/// <param name="Late">Observed, but after the deadline.</param>
/// <param name="NotObserved">Not (yet) observed down.</param>
/// <param name="PowerDownP50Seconds">Signal → power observed down, over the observed events.</param>
/// <param name="CommandP50Ms">Signal seen → GPUs commanded.</param>
/// <param name="PowerReadings">The power readings the observations were made on (<c>nvml-instant</c>, <c>nvml-average</c>, …).</param>
public sealed record DemandResponseKindSummary(
    string Kind,
    int Count,
    int Observed,
    int Met,
    int Late,
    int NotObserved,
    double? PowerDownP50Seconds,
    double? PowerDownP99Seconds,
    double? PowerDownMaxSeconds,
    double? CommandP50Ms,
    double? CommandP99Ms,
    IReadOnlyList<string> PowerReadings,
    IReadOnlyList<DemandResponseDeadlineSummary> Deadlines)
{
    internal static DemandResponseKindSummary Of(string kind, List<DemandResponseEvent> events)
    {
        var down = Sorted(events.Select(e => e.PowerDownSeconds));
        var command = Sorted(events.Select(e => (double?)e.CommandMs));
        var observed = events.Count(e => e.PowerObservedAt is not null);
        var met = events.Count(e => e.MetDeadline == true);
        var deadlines = events
            .Where(e => e.DeadlineSeconds > 0 && kind != "restore")
            .GroupBy(e => e.DeadlineSeconds)
            .OrderBy(g => g.Key)
            .Select(g => DemandResponseDeadlineSummary.Of(g.Key, [.. g]))
            .ToList();
        return new DemandResponseKindSummary(kind, events.Count, observed, met, observed - met, events.Count - observed,
            DemandResponseSummary.Round(DemandResponseSummary.NearestRank(down, 0.50), 3),
            DemandResponseSummary.Round(DemandResponseSummary.NearestRank(down, 0.99), 3),
            DemandResponseSummary.Round(down.Count == 0 ? null : down[^1], 3),
            DemandResponseSummary.Round(DemandResponseSummary.NearestRank(command, 0.50), 1),
            DemandResponseSummary.Round(DemandResponseSummary.NearestRank(command, 0.99), 1),
            [.. events.Where(e => e.PowerObservedAt is not null && e.PowerReading is not null).Select(e => e.PowerReading!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            deadlines);
    }

    internal static List<double> Sorted(IEnumerable<double?> values)
    {
        var list = values.Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToList();
        list.Sort();
        return list;
    }
}

/// <summary>One deadline's events of a kind (a frequency stage's, or curtailments').</summary>
public sealed record DemandResponseDeadlineSummary(
    double DeadlineSeconds,
    int Count,
    int Observed,
    int Met,
    double? PowerDownP50Seconds,
    double? PowerDownP99Seconds,
    double? PowerDownMaxSeconds)
{
    internal static DemandResponseDeadlineSummary Of(double deadlineSeconds, List<DemandResponseEvent> events)
    {
        var down = DemandResponseKindSummary.Sorted(events.Select(e => e.PowerDownSeconds));
        return new DemandResponseDeadlineSummary(deadlineSeconds, events.Count, down.Count, events.Count(e => e.MetDeadline == true),
            DemandResponseSummary.Round(DemandResponseSummary.NearestRank(down, 0.50), 3),
            DemandResponseSummary.Round(DemandResponseSummary.NearestRank(down, 0.99), 3),
            DemandResponseSummary.Round(down.Count == 0 ? null : down[^1], 3));
    }
}
