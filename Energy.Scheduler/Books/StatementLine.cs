namespace Energy.Scheduler.Books;

/// <summary>
/// One line of a statement: a local hour, day, month (within the window) or the whole window, with the party's
/// figures and what the reader must know about them: how much of the line HeatGrid observed, whether it holds
/// estimated slots (and why), the counters' flags, and whether it holds the slot still in progress.
/// </summary>
public sealed class StatementLine
{
    /// <summary>Slack on coverage: the ledger's covered seconds come from clocks, not from the slot grid.</summary>
    private const double CoverageSlackSeconds = 1;

    private readonly List<string> _estimatedReasons = [];
    private readonly List<string> _flags = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    internal StatementLine(StatementLevel level, DateTimeOffset start, DateTimeOffset end, StatementFigures figures)
    {
        Level = level;
        Start = start;
        End = end;
        Figures = figures;
    }

    public StatementLevel Level { get; }

    /// <summary>Local start, with the site's UTC offset then (the repeated autumn hour differs only in it).</summary>
    public DateTimeOffset Start { get; }

    public DateTimeOffset End { get; }

    public double Seconds => (End - Start).TotalSeconds;

    /// <summary>Seconds of the line HeatGrid observed: less where it did not run, or where the slot in progress has not ended.</summary>
    public double CoveredSeconds { get; private set; }

    public bool Partial => CoveredSeconds < Seconds - CoverageSlackSeconds;

    /// <summary>Ledger slots in the line.</summary>
    public int Slots { get; private set; }

    public int EstimatedSlots { get; private set; }

    public bool Estimated => EstimatedSlots > 0;

    /// <summary>Why its estimated slots are estimates, each reason once.</summary>
    public IReadOnlyList<string> EstimatedReasons => _estimatedReasons;

    /// <summary>What the books handled in its slots (counter resets, gaps), each once.</summary>
    public IReadOnlyList<string> Flags => _flags;

    /// <summary>True where the line holds the slot in progress: its figures will still grow.</summary>
    public bool Open { get; private set; }

    public StatementFigures Figures { get; }

    internal void AddSlot(LedgerSlot slot)
    {
        Slots++;
        CoveredSeconds += slot.CoveredSeconds;
        Open |= !slot.Closed;
        if (slot.Estimated)
        {
            EstimatedSlots++;
            AddOnce(_estimatedReasons, "estimated:", slot.EstimatedReasons);
        }

        AddOnce(_flags, "flag:", slot.Flags);
        Figures.AddSlot(slot);
    }

    /// <summary>Adds one proof-of-useful-work ticket counted in this line (by when it was accepted); not a slot.</summary>
    internal void AddPouw(PouwLedgerEntry entry) => Figures.AddPouw(entry);

    internal void Add(StatementLine part)
    {
        Slots += part.Slots;
        CoveredSeconds += part.CoveredSeconds;
        Open |= part.Open;
        EstimatedSlots += part.EstimatedSlots;
        AddOnce(_estimatedReasons, "estimated:", part._estimatedReasons);
        AddOnce(_flags, "flag:", part._flags);
        Figures.Add(part.Figures);
    }

    /// <summary>Each item once, in the order first seen (a year of 15-minute slots may carry many).</summary>
    private void AddOnce(List<string> into, string kind, IEnumerable<string> items)
    {
        foreach (var item in items)
        {
            if (_seen.Add(kind + item))
            {
                into.Add(item);
            }
        }
    }
}
