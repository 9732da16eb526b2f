namespace Energy.Scheduler.Books;

/// <summary>
/// A meter's energy register over a statement line: its reading where the line's counting started and its last, so that
/// the line's metered energy can be checked against the meter itself. Only for one meter: a line over several meters
/// (a buyer of two loops) has none, since their registers do not add.
/// </summary>
internal sealed class StatementRegisterSpan
{
    private readonly HashSet<string> _meters = new(StringComparer.Ordinal);
    private double? _start;
    private double? _end;

    public double? StartKwh => _meters.Count == 1 ? _start : null;

    public double? EndKwh => _meters.Count == 1 ? _end : null;

    /// <summary>Adds a slot's readings of <paramref name="meter"/>; slots come oldest first.</summary>
    public void Add(string meter, double? start, double? end)
    {
        if (start is null && end is null)
        {
            return;
        }

        _meters.Add(meter);
        _start ??= start;
        _end = end ?? _end;
    }

    /// <summary>Adds a later line's span (an hour into its day).</summary>
    public void Add(StatementRegisterSpan later)
    {
        _meters.UnionWith(later._meters);
        _start ??= later._start;
        _end = later._end ?? _end;
    }
}
