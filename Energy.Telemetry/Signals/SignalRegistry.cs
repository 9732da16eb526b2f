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

    public event Action<Reading>? Published;

    public void Publish(Reading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        _latest[reading.Signal] = reading;
        Published?.Invoke(reading);
    }

    public Reading? Latest(string signal) => _latest.TryGetValue(signal, out var reading) ? reading : null;

    /// <summary>The value of a Good reading no older than <paramref name="maxAge"/>; null otherwise.</summary>
    public double? GoodValue(string signal, DateTimeOffset now, TimeSpan maxAge) =>
        _latest.TryGetValue(signal, out var r) && r.IsGood && now - r.Timestamp <= maxAge ? r.Value : null;

    public IReadOnlyList<Reading> Snapshot() => _latest.Values.OrderBy(r => r.Signal, StringComparer.Ordinal).ToList();
}
