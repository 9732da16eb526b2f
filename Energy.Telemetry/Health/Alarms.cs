using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Health;

/// <summary>How bad an alarm is: a <see cref="Warning"/> is shown; a <see cref="Critical"/> one also makes <c>/health</c> degraded. JSON: "warning", "critical".</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(AlarmSeverityJsonConverter))]
public enum AlarmSeverity
{
    Warning,
    Critical,
}

internal sealed class AlarmSeverityJsonConverter() : System.Text.Json.Serialization.JsonStringEnumConverter<AlarmSeverity>(System.Text.Json.JsonNamingPolicy.CamelCase, allowIntegerValues: false);

/// <summary>One alarm as the status API and <c>/health</c> show it.</summary>
/// <param name="Key">What it is about, stable across raises (e.g. <c>agents.forged</c>, <c>state.curtailments</c>).</param>
/// <param name="Count">How often it was raised since it first was.</param>
/// <param name="Until">When an event alarm stops being shown unless raised again; null for a condition held until cleared.</param>
public sealed record Alarm(string Key, AlarmSeverity Severity, string Message, long Count, DateTimeOffset FirstAt, DateTimeOffset LastAt, DateTimeOffset? Until);

/// <summary>
/// The process's alarms: what an operator must see and the log must say — a forged or refused message, a
/// state file that could not be read or written, a lost feed. Two kinds:
/// <list type="bullet">
/// <item><see cref="Raise"/>: an event (a forged message, a refused document), shown for <see cref="EventHold"/>
/// after its last occurrence, counted, logged at its first occurrence, when its message changes and then
/// at most once per <see cref="LogEvery"/>.</item>
/// <item><see cref="Hold"/>/<see cref="Clear"/>: a condition (the data folder is read-only), shown until cleared.</item>
/// </list>
/// Bounded: at most <see cref="MaxAlarms"/> keys; beyond that raises are counted under one overflow alarm.
/// </summary>
public sealed class Alarms(TimeProvider time, ILogger<Alarms> logger)
{
    public const int MaxAlarms = 256;
    public const string OverflowKey = "alarms.overflow";
    public static readonly TimeSpan EventHold = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>An event: shown for <see cref="EventHold"/> (or <paramref name="hold"/>) after its last occurrence.</summary>
    public void Raise(string key, string message, AlarmSeverity severity = AlarmSeverity.Warning, TimeSpan? hold = null) =>
        Record(key, message, severity, hold ?? EventHold);

    /// <summary>A condition: shown until <see cref="Clear"/>. Raising it again while held only counts it.</summary>
    public void Hold(string key, string message, AlarmSeverity severity = AlarmSeverity.Warning) => Record(key, message, severity, null);

    /// <summary>Ends an alarm (a condition that no longer holds, or an event that was answered); logged when it was shown.</summary>
    public void Clear(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Entry? cleared;
        lock (_gate)
        {
            if (!_entries.Remove(key, out cleared))
            {
                return;
            }
        }

        Log.AlarmCleared(logger, key, cleared.Message);
    }

    /// <summary>The alarms shown now, critical first, newest first.</summary>
    public IReadOnlyList<Alarm> Current()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            List<string>? expired = null;
            var shown = new List<Alarm>(_entries.Count);
            foreach (var (key, e) in _entries)
            {
                if (e.Hold is { } hold && now - e.LastAt > hold)
                {
                    (expired ??= []).Add(key);
                    continue;
                }

                shown.Add(e.ToAlarm(key));
            }

            foreach (var key in expired ?? [])
            {
                _entries.Remove(key);
            }

            return [.. shown.OrderByDescending(a => a.Severity).ThenByDescending(a => a.LastAt).ThenBy(a => a.Key, StringComparer.Ordinal)];
        }
    }

    /// <summary>The critical alarms shown now: what makes <c>/health</c> degraded.</summary>
    public IReadOnlyList<Alarm> Critical() => [.. Current().Where(a => a.Severity == AlarmSeverity.Critical)];

    /// <summary>Whether an alarm with this key is shown now.</summary>
    public bool IsRaised(string key) => Current().Any(a => a.Key == key);

    private void Record(string key, string message, AlarmSeverity severity, TimeSpan? hold)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(message);
        var now = time.GetUtcNow();
        Alarm? logged = null;
        lock (_gate)
        {
            if (!_entries.ContainsKey(key) && _entries.Count >= MaxAlarms)
            {
                // Never grow without bound: the excess is one alarm, counted.
                (key, message, severity, hold) = (OverflowKey, $"more than {MaxAlarms} distinct alarms; the latest: {message}", AlarmSeverity.Critical, EventHold);
            }

            if (!_entries.TryGetValue(key, out var e))
            {
                e = new Entry(severity, message, now, hold);
                _entries[key] = e;
                logged = e.ToAlarm(key);
            }
            else
            {
                e.Count++;
                e.LastAt = now;
                e.Hold = hold;
                e.Severity = severity > e.Severity ? severity : e.Severity;
                var changed = e.Message != message;
                e.Message = message;
                if (changed || now - e.LoggedAt >= LogEvery)
                {
                    e.LoggedAt = now;
                    logged = e.ToAlarm(key);
                }
            }
        }

        if (logged is not null)
        {
            if (logged.Severity == AlarmSeverity.Critical)
            {
                Log.AlarmCritical(logger, logged.Key, logged.Message, logged.Count);
            }
            else
            {
                Log.AlarmWarning(logger, logged.Key, logged.Message, logged.Count);
            }
        }
    }

    private sealed class Entry(AlarmSeverity severity, string message, DateTimeOffset at, TimeSpan? hold)
    {
        public AlarmSeverity Severity { get; set; } = severity;

        public string Message { get; set; } = message;

        public long Count { get; set; } = 1;

        public DateTimeOffset FirstAt { get; } = at;

        public DateTimeOffset LastAt { get; set; } = at;

        public DateTimeOffset LoggedAt { get; set; } = at;

        public TimeSpan? Hold { get; set; } = hold;

        public Alarm ToAlarm(string key) => new(key, Severity, Message, Count, FirstAt, LastAt, Hold is { } h ? LastAt + h : null);
    }
}
