using System.Text;
using Energy.Contracts.Agents.Protocol;
using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Controller.DemandResponse;

/// <summary>
/// Every demand-response action with its timing (signal measured, seen, GPUs commanded, power observed
/// down), as evidence for a prequalification test: the latest events in memory for the API, and every
/// event appended to <c>dr-events.jsonl</c> in the data folder (one JSON object per line, flushed to the disk).
/// An event is first recorded when commanded and again once its power was observed down.
/// <para>
/// At start a torn last line (a crash in the middle of an append) is cut off and logged, and the last
/// <see cref="Kept"/> events are read back, so <c>/api/dr/events</c> survives a restart. A write the disk refuses is
/// logged once per change of reason and held as the alarm <c>state.dr-events</c>; the event stays in memory.
/// </para>
/// <para>
/// With <c>--ha</c> the events land in an <see cref="IDemandResponseStore"/> instead (the shared database,
/// <see cref="Ha.PgDemandResponseEvents"/>): the newest <see cref="Kept"/> are read back from it at start, a refused write
/// is logged and alarmed the same way (the store holds it and tries again; the alarm clears when it catches up), and at a
/// takeover <see cref="Refresh"/> reads what the previous leader completed.
/// </para>
/// </summary>
public sealed class DemandResponseLog
{
    public const string FileName = "dr-events.jsonl";
    public const string AlarmKey = "state.dr-events";

    /// <summary>Events held in memory, and read back at start, at most.</summary>
    public const int Kept = 2000;

    // Read back from the file's end only: 2,000 events are well under 2 MB.
    private const int ReloadBytes = 2 * 1024 * 1024;

    private readonly string? _dataFolder;
    private readonly IDemandResponseStore? _store;
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private readonly Lock _lock = new();
    private readonly LinkedList<DemandResponseEvent> _events = new();
    private readonly Dictionary<(string Node, string Id), LinkedListNode<DemandResponseEvent>> _byId = [];
    private string? _writeFailing;
    private bool _mayBeTorn;

    [ActivatorUtilitiesConstructor]
    public DemandResponseLog(string? dataFolder, ILogger<DemandResponseLog> logger, Alarms? alarms = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _dataFolder = dataFolder;
        _logger = logger;
        _alarms = alarms;
        if (Path is { } path)
        {
            Reload(path);
        }
    }

    private DemandResponseLog(IDemandResponseStore store, ILogger<DemandResponseLog> logger, Alarms? alarms)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _logger = logger;
        _alarms = alarms;
        lock (_lock)
        {
            try
            {
                var (events, unreadable) = store.ReadBack(Kept);
                foreach (var e in events)
                {
                    Keep(e);
                }

                Log.DemandResponseLoaded(_logger, _events.Count, store.Where, unreadable);
                if (unreadable > 0)
                {
                    _alarms?.Raise(AlarmKey, $"{unreadable} demand-response events in {store.Where} do not parse and were skipped ({events.Count} read)", AlarmSeverity.Warning);
                }
            }
            catch (IOException ex)
            {
                WriteFailed(store.Where, "reading it back failed: " + ex.Message);
            }
        }

        store.CaughtUp += OnCaughtUp;
    }

    /// <summary>Events kept in <paramref name="store"/> (the shared database with <c>--ha</c>) instead of the data folder; the newest read back.</summary>
    public static DemandResponseLog InStore(IDemandResponseStore store, ILogger<DemandResponseLog> logger, Alarms? alarms = null) => new(store, logger, alarms);

    public string? Path => _dataFolder is null ? null : System.IO.Path.Combine(_dataFolder, FileName);

    /// <summary>Where the events are kept: the file, the store, or null (memory only).</summary>
    public string? Where => _store?.Where ?? Path;

    public event Action<DemandResponseEvent>? Recorded;

    public void Record(DemandResponseEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_lock)
        {
            if (Keep(e))
            {
                Log.DemandResponseEvidence(_logger, e.Kind, e.Node, e.Trigger, e.Threshold, e.GpusCommanded, e.CommandMs, e.BeforeW, e.TargetW);
            }

            Append(e);
        }

        Recorded?.Invoke(e);
    }

    public DemandResponseEvent? Find(string node, string id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue((node, id), out var e) ? e.Value : null;
        }
    }

    public IReadOnlyList<DemandResponseEvent> Latest(int count = 200)
    {
        lock (_lock)
        {
            return [.. _events.Reverse().Take(count)];
        }
    }

    /// <summary>
    /// Reads the store's newest events again (a takeover: what the previous leader recorded or completed that this controller
    /// did not hear), merged with those in memory by <see cref="DemandResponseRecords.Supersedes"/>; the store's order first,
    /// then events only this controller holds. Nothing without a store. Never throws: a store that cannot be read leaves
    /// memory as it is (logged and alarmed as a read failure).
    /// </summary>
    public void Refresh()
    {
        if (_store is null)
        {
            return;
        }

        lock (_lock)
        {
            IReadOnlyList<DemandResponseEvent> stored;
            try
            {
                stored = _store.ReadBack(Kept).Events;
            }
            catch (IOException ex)
            {
                WriteFailed(_store.Where, "reading it back failed: " + ex.Message);
                return;
            }

            var mine = _events.ToList();
            var byId = mine.ToDictionary(m => (m.Node, m.Id));
            var merged = 0;
            _events.Clear();
            _byId.Clear();
            foreach (var e in stored)
            {
                var kept = e;
                if (byId.TryGetValue((e.Node, e.Id), out var own) && !DemandResponseRecords.Supersedes(own, e))
                {
                    kept = own;
                }
                else
                {
                    merged++;
                }

                Keep(kept);
            }

            foreach (var e in mine.Where(m => !_byId.ContainsKey((m.Node, m.Id))))
            {
                Keep(e);
            }

            Log.DemandResponseMerged(_logger, merged, _store.Where, stored.Count);
        }
    }

    private void OnCaughtUp()
    {
        lock (_lock)
        {
            WritesAgain(_store!.Where);
        }
    }

    /// <summary>Holds an event in memory (a later record of the same node and id replaces it); true when it is new.</summary>
    private bool Keep(DemandResponseEvent e)
    {
        if (_byId.TryGetValue((e.Node, e.Id), out var existing))
        {
            existing.Value = e;
            return false;
        }

        _byId[(e.Node, e.Id)] = _events.AddLast(e);
        if (_events.Count > Kept && _events.First is { } first)
        {
            _byId.Remove((first.Value.Node, first.Value.Id));
            _events.RemoveFirst();
        }

        return true;
    }

    private void Reload(string path)
    {
        try
        {
            if (AppendOnlyFile.RepairTornTail(path) is { } torn)
            {
                Log.DemandResponseTornLine(_logger, path, torn.Bytes, torn.Start);
                _alarms?.Raise(AlarmKey, $"{FileName} ended in a torn line after a crash: {torn.Bytes} bytes of one event cut off (logged)", AlarmSeverity.Critical);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not writable: the events are still read back (a torn last line is skipped as unreadable); it is cut before the next append.
            _mayBeTorn = true;
            WriteFailed(path, "it cannot be repaired: " + ex.Message);
        }

        try
        {
            if (!File.Exists(path))
            {
                return;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var skipFirst = stream.Length > ReloadBytes;
            stream.Position = Math.Max(0, stream.Length - ReloadBytes);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            if (skipFirst)
            {
                reader.ReadLine();   // the middle of a line
            }

            var unreadable = 0;
            var read = 0;
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                if (AgentJson.TryRead<DemandResponseEvent>(Encoding.UTF8.GetBytes(line), out var e, out _))
                {
                    Keep(e);
                    read++;
                }
                else
                {
                    unreadable++;
                }
            }

            Log.DemandResponseLoaded(_logger, _events.Count, path, unreadable);
            if (unreadable > 0)
            {
                _alarms?.Raise(AlarmKey, $"{unreadable} lines of {FileName} do not parse and were skipped ({read} read)", AlarmSeverity.Warning);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The evidence already on disk stays there; new events are still recorded in memory (and appended when the disk takes them).
            WriteFailed(path, "reading it back failed: " + ex.Message);
        }
    }

    private void Append(DemandResponseEvent e)
    {
        if (_store is not null)
        {
            try
            {
                _store.Write(e);
                WritesAgain(_store.Where);
            }
            catch (IOException ex)
            {
                WriteFailed(_store.Where, ex.Message);
            }

            return;
        }

        if (Path is not { } path)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            if (_mayBeTorn && AppendOnlyFile.RepairTornTail(path) is { } torn)
            {
                Log.DemandResponseTornLine(_logger, path, torn.Bytes, torn.Start);
            }

            _mayBeTorn = false;
            using (var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                stream.Write(Encoding.UTF8.GetBytes(AgentJson.SerializeToString(e) + "\n"));
                stream.Flush(flushToDisk: true);
            }

            WritesAgain(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _mayBeTorn = true;
            WriteFailed(path, ex.Message);
        }
    }

    /// <summary>A write went through: a failure held before is over (logged once, the alarm cleared).</summary>
    private void WritesAgain(string where)
    {
        if (_writeFailing is null)
        {
            return;
        }

        _writeFailing = null;
        Log.StateWritesAgain(_logger, "Demand-response evidence", where);
        _alarms?.Clear(AlarmKey);
    }

    private void WriteFailed(string path, string reason)
    {
        if (_writeFailing == reason)
        {
            return;
        }

        _writeFailing = reason;
        if (_store is not null)
        {
            Log.StateWriteFailed(_logger, "Demand-response evidence", path, reason, "the events stay in memory (the latest " + Kept + ") and are written when it answers");
            _alarms?.Hold(AlarmKey, $"demand-response evidence cannot be written to {path} ({reason}): it is kept in memory and written when the database answers", AlarmSeverity.Critical);
            return;
        }

        Log.StateWriteFailed(_logger, "Demand-response evidence", path, reason, "the events stay in memory (the latest " + Kept + ") and are not on disk");
        _alarms?.Hold(AlarmKey, $"demand-response evidence cannot be written to {path} ({reason}): it is kept in memory only", AlarmSeverity.Critical);
    }
}
