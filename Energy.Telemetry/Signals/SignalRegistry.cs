using System.Collections.Concurrent;
using Energy.Contracts.Readings;

namespace Energy.Telemetry.Signals;

/// <summary>
/// The latest reading of every input, in one place. Sources publish; the planner, the control loop
/// and the HTTP API read. Only Good and fresh readings are handed out as values.
/// </summary>
public sealed class SignalRegistry
{
    private readonly ConcurrentDictionary<string, Reading> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _staleAfter = new(StringComparer.Ordinal);

    public event Action<Reading>? Published;

    /// <summary>Publishes a reading; with <paramref name="staleAfter"/>, the signal turns Bad ("stale") when no newer value comes in time.</summary>
    public void Publish(Reading reading, TimeSpan? staleAfter = null)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (staleAfter is { } limit)
        {
            _staleAfter[reading.Signal] = limit;
        }

        _latest[reading.Signal] = reading;
        Published?.Invoke(reading);
    }

    public Reading? Latest(string signal) => _latest.TryGetValue(signal, out var reading) ? reading : null;

    /// <summary>The latest reading of a signal as it stands at <paramref name="now"/> (Bad once past its staleness limit); null when never seen.</summary>
    public Reading? Current(string signal, DateTimeOffset now) => _latest.TryGetValue(signal, out var reading) ? Effective(reading, now) : null;

    /// <summary>The value of a Good reading no older than <paramref name="maxAge"/>; null otherwise.</summary>
    public double? GoodValue(string signal, DateTimeOffset now, TimeSpan maxAge) =>
        _latest.TryGetValue(signal, out var r) && Effective(r, now).IsGood && now - r.Timestamp <= maxAge ? r.Value : null;

    public IReadOnlyList<Reading> Snapshot() => _latest.Values.OrderBy(r => r.Signal, StringComparer.Ordinal).ToList();

    /// <summary>Every signal as it stands at <paramref name="now"/>: a reading past its staleness limit is Bad, with why.</summary>
    public IReadOnlyList<Reading> Snapshot(DateTimeOffset now) =>
        _latest.Values.Select(r => Effective(r, now)).OrderBy(r => r.Signal, StringComparer.Ordinal).ToList();

    private Reading Effective(Reading reading, DateTimeOffset now)
    {
        if (reading.Quality == Quality.Bad || !_staleAfter.TryGetValue(reading.Signal, out var limit) || now - reading.Timestamp <= limit)
        {
            return reading;
        }

        return reading with
        {
            Quality = Quality.Bad,
            Value = double.NaN,
            Reason = $"stale: last value {(now - reading.Timestamp).TotalSeconds:0} s ago, limit {limit.TotalSeconds:0} s",
        };
    }
}
