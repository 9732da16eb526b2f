using Energy.Contracts.Agents.Protocol;

namespace Energy.Scheduler.Controller.DemandResponse;

/// <summary>
/// Where <see cref="DemandResponseLog"/> keeps its events when that is not the data folder's <c>dr-events.jsonl</c>: with
/// <c>--ha</c>, the database the site's controllers share (<see cref="Ha.PgDemandResponseEvents"/>). The in-memory log is the
/// same for both; only where an event lands, and what is read back at start, differs.
/// </summary>
public interface IDemandResponseStore
{
    /// <summary>Where the events are kept, for messages and alarms.</summary>
    string Where { get; }

    /// <summary>The newest <paramref name="count"/> events, oldest first (in the order they were first recorded), and how many could not be read.</summary>
    /// <exception cref="IOException">They cannot be read now.</exception>
    (IReadOnlyList<DemandResponseEvent> Events, int Unreadable) ReadBack(int count);

    /// <summary>Keeps one record of an event (a later, more complete record of the same node and id may follow).</summary>
    /// <exception cref="IOException">It is not written now; a store that holds and retries it says so in its message.</exception>
    void Write(DemandResponseEvent e);

    /// <summary>Records refused before were written after all (a store that retries on its own): the log clears its alarm.</summary>
    event Action? CaughtUp;
}

/// <summary>Which of two records of one demand-response event (same node and id) is the evidence to keep.</summary>
public static class DemandResponseRecords
{
    /// <summary>
    /// True when <paramref name="incoming"/> should replace <paramref name="kept"/>: an observed record (power seen down)
    /// beats a merely commanded one, and of two observed ones the earlier observation wins (it is when the power was first
    /// seen down, whichever controller wrote it first). A commanded record never replaces one already kept, observed or not,
    /// so a late or repeated "commanded" report changes nothing and writes are idempotent whatever order they arrive in.
    /// </summary>
    public static bool Supersedes(DemandResponseEvent kept, DemandResponseEvent incoming)
    {
        ArgumentNullException.ThrowIfNull(kept);
        ArgumentNullException.ThrowIfNull(incoming);
        return incoming.PowerObservedAt is { } observed && (kept.PowerObservedAt is not { } before || observed < before);
    }
}
