using System.Globalization;
using System.Text.Json;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Controller.DemandResponse;

/// <summary>
/// The import cap in force: the contract's, lowered for the duration of an explicit curtailment
/// request (HTTP or MQTT). The lowest of overlapping requests wins; expired ones fall away by themselves.
/// At most <see cref="MaxActive"/> are in force; an id in force is the operator's own and is not replaced.
/// <para>
/// Kept in the data folder in two checked state files (<see cref="StateFile"/>): <c>curtailments.json</c>, every
/// curtailment in force, and <c>curtailment-floor.json</c>, the lowest cap in force and the latest end of any,
/// written first. At start a corrupt <c>curtailments.json</c> (or one missing while the floor says a cap is in
/// force) is logged as Critical, held as the alarm <c>state.curtailments</c>, and the site holds the floor's cap —
/// the lowest cap seen, never the contract's — until the floor's end or until the operator cancels
/// <see cref="RecoveredId"/>. Without a readable floor either it holds 0 kW for the longest a curtailment may
/// last (one day) from the file's last write: nothing unsafe is assumed.
/// </para>
/// <para>
/// A change that cannot be saved stays in force in memory (shedding is what the operator asked for; refusing it
/// would be the unsafe answer) and is reported as <see cref="CurtailOutcome.InForceNotPersisted"/>; the alarm
/// <c>state.curtailments.unsaved</c> is held until a save works again.
/// </para>
/// </summary>
public sealed class GridLimit
{
    public const string FileName = "curtailments.json";
    public const string FloorFileName = "curtailment-floor.json";
    public const string RecoveredId = "recovered-lowest-cap";
    public const string AlarmKey = "state.curtailments";
    public const string UnsavedAlarmKey = "state.curtailments.unsaved";
    public const string RefusedAlarmKey = "dr.curtailments.refused";

    /// <summary>Curtailments in force at once, at most; more are refused.</summary>
    public const int MaxActive = 64;

    /// <summary>The longest a curtailment may last.</summary>
    public static readonly TimeSpan LongestDuration = TimeSpan.FromDays(1);

    private readonly Site _site;
    private readonly Ha.IStateDocuments? _documents;
    private readonly string? _path;
    private readonly string? _floorPath;
    private readonly HashSet<string> _heardSinceReload = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private readonly Lock _lock = new();
    private readonly List<Curtailment> _active = [];
    private string? _saveFailing;

    public GridLimit(Site site, string? dataFolder = null, ILogger<GridLimit>? logger = null, Alarms? alarms = null, TimeProvider? time = null)
        : this(site, dataFolder is null ? null : new Ha.FileStateDocuments(dataFolder), logger, alarms, time)
    {
    }

    /// <param name="documents">Where the curtailments are kept: the data folder's files, or (<c>--ha</c>) the shared database; null: memory only.</param>
    public GridLimit(Site site, Ha.IStateDocuments? documents, ILogger<GridLimit>? logger = null, Alarms? alarms = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        _site = site;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _alarms = alarms;
        _documents = documents;
        if (documents is not null)
        {
            _path = documents.Where(FileName);
            _floorPath = documents.Where(FloorFileName);
            Load((time ?? TimeProvider.System).GetUtcNow());
        }
    }

    /// <summary>
    /// With a shared store (<c>--ha</c>): the curtailments the leader keeps, read again, with those this controller heard
    /// itself since the last reload (a grid operator's request on the broker reaches every controller; one that arrived
    /// while no controller led is not lost). A standby does this every few seconds; a new leader at its takeover, with
    /// <paramref name="save"/>, so that what it holds is what is kept. True when what is in force changed.
    /// </summary>
    /// <exception cref="IOException">The shared store cannot be read now; what is in force stays.</exception>
    public bool Reload(DateTimeOffset now, bool save)
    {
        if (_documents is not { IsShared: true } documents)
        {
            return false;
        }

        lock (_lock)
        {
            var read = documents.Read(FileName);
            var stored = read.Status == StateFileStatus.Good ? TryParse<List<Stored>>(read.Body!, out _) ?? [] : [];
            var kept = stored.Where(c => c.Until > now && !string.IsNullOrWhiteSpace(c.Id) && double.IsFinite(c.CapWatts) && c.CapWatts >= 0)
                .Select(c => new Curtailment(c.Id, Power.FromWatts(c.CapWatts), c.From, c.Until, c.Reason, c.SetBy)).ToList();
            var heard = _active.Where(c => _heardSinceReload.Contains(c.Id) && c.Until > now && !kept.Exists(k => k.Id == c.Id)).ToList();
            var merged = kept.Concat(heard).Take(MaxActive).ToList();
            AdoptedAtLastReload = [.. heard.Where(merged.Contains)];
            var changed = merged.Count != _active.Count || merged.Exists(m => !_active.Contains(m));
            _active.Clear();
            _active.AddRange(merged);
            _heardSinceReload.Clear();
            if (save)
            {
                Save();
            }

            return changed;
        }
    }

    /// <summary>
    /// The curtailments the last <see cref="Reload"/> added to the shared ones because this controller heard them itself
    /// (a request on the broker while no controller led, or one the leader had not kept yet): a new leader audits them.
    /// </summary>
    public IReadOnlyList<Curtailment> AdoptedAtLastReload { get; private set; } = [];

    public Power ContractCap => _site.Grid.ImportCap;

    /// <summary>Whether the last change was saved (always true without a data folder).</summary>
    public bool Persisted => _saveFailing is null;

    public Power CapAt(DateTimeOffset now)
    {
        lock (_lock)
        {
            Prune(now);
            return _active.Count == 0 ? _site.Grid.ImportCap : Power.Min(_site.Grid.ImportCap, _active.Min(c => c.Cap));
        }
    }

    public IReadOnlyList<Curtailment> Active(DateTimeOffset now)
    {
        lock (_lock)
        {
            Prune(now);
            return [.. _active];
        }
    }

    /// <summary>The curtailment in force under <paramref name="id"/>, or null.</summary>
    public Curtailment? Find(string id, DateTimeOffset now)
    {
        lock (_lock)
        {
            Prune(now);
            return _active.Find(c => c.Id == id);
        }
    }

    /// <summary>
    /// Adds a curtailment: the site stays at or below <paramref name="cap"/> until <paramref name="until"/>. Refused
    /// when <paramref name="id"/> is already in force (it is its setter's; cancel it first) or <see cref="MaxActive"/> are.
    /// </summary>
    /// <param name="setBy">Who asked (<c>http:ADDRESS</c>, <c>mqtt:TOPIC</c>): logged and kept with it. Roles, once they exist, are checked against it.</param>
    public CurtailOutcome Curtail(string id, Power cap, DateTimeOffset from, DateTimeOffset until, string? reason, string setBy = "local")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        lock (_lock)
        {
            Prune(from);
            if (_active.Find(c => c.Id == id) is { } existing)
            {
                Refused(id, setBy, $"curtailment '{id}' is already in force ({existing.Cap.Kilowatts:0.###} kW until {existing.Until:o}, set by {existing.SetBy})",
                    $"a request reused the id of a curtailment in force (latest: '{id}' from {setBy}); it was not replaced");
                return CurtailOutcome.IdInForce;
            }

            if (_active.Count >= MaxActive)
            {
                Refused(id, setBy, $"{MaxActive} curtailments are in force, the most HeatGrid holds",
                    $"curtailment requests refused: {MaxActive} are in force, the most HeatGrid holds (latest from {setBy})");
                return CurtailOutcome.TooMany;
            }

            _active.Add(new Curtailment(id, cap, from, until, reason, setBy));
            _heardSinceReload.Add(id);
            Log.CurtailmentSet(_logger, id, cap.Kilowatts, until, reason ?? "no reason given", setBy);
            return Save() ? CurtailOutcome.InForce : CurtailOutcome.InForceNotPersisted;
        }
    }

    /// <summary>Ends a curtailment in force; logged with who cancelled it, its cap and the time it had left.</summary>
    /// <param name="by">Who asked. Roles (a later issue) decide here whether <paramref name="by"/> may cancel what <see cref="Curtailment.SetBy"/> set.</param>
    public CancelOutcome Cancel(string id, DateTimeOffset now, string by = "local")
    {
        lock (_lock)
        {
            Prune(now);
            if (_active.Find(c => c.Id == id) is not { } found)
            {
                return CancelOutcome.NotInForce;
            }

            _active.Remove(found);
            Log.CurtailmentCancelled(_logger, id, found.Cap.Kilowatts, Math.Max(0, (found.Until - now).TotalSeconds), found.SetBy ?? "unknown", by);
            if (id == RecoveredId)
            {
                _alarms?.Clear(AlarmKey);
            }

            return Save() ? CancelOutcome.Cancelled : CancelOutcome.CancelledNotPersisted;
        }
    }

    /// <summary>A refusal: through the alarms where there are (counted, logged without flooding under a storm of requests), else logged.</summary>
    private void Refused(string id, string setBy, string reason, string alarm)
    {
        if (_alarms is null)
        {
            Log.CurtailmentRefused(_logger, id, setBy, reason);
        }
        else
        {
            _alarms.Raise(RefusedAlarmKey, alarm);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        if (_active.RemoveAll(c => c.Until <= now && c.Id == RecoveredId) > 0)
        {
            _alarms?.Clear(AlarmKey);   // the lowest cap assumed after a corrupt file has run its course
        }

        _active.RemoveAll(c => c.Until <= now);
    }

    private bool Save()
    {
        if (_path is null || _floorPath is null)
        {
            return true;
        }

        try
        {
            // The floor first: whatever happens to the second write, the floor is at least as low as what is in force.
            var floor = _active.Count == 0 ? new StoredFloor(null, null, []) : new StoredFloor(_active.Min(c => c.Cap.Watts), _active.Max(c => c.Until), [.. _active.Select(c => c.Id)]);
            _documents!.Write(FloorFileName, JsonSerializer.Serialize(floor));
            _documents.Write(FileName, JsonSerializer.Serialize(_active.Select(c => new Stored(c.Id, c.Cap.Watts, c.From, c.Until, c.Reason, c.SetBy)).ToList()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_saveFailing != e.Message)
            {
                _saveFailing = e.Message;
                Log.StateWriteFailed(_logger, "The curtailments in force", _path, e.Message, "they hold in memory but a restart would forget them");
                _alarms?.Hold(UnsavedAlarmKey, $"curtailments in force could not be saved to {_path} ({e.Message}): they hold now but a restart would forget them",
                    AlarmSeverity.Critical);
            }

            return false;
        }

        if (_saveFailing is not null)
        {
            _saveFailing = null;
            Log.StateWritesAgain(_logger, "The curtailments in force", _path);
            _alarms?.Clear(UnsavedAlarmKey);
        }

        return true;
    }

    private void Load(DateTimeOffset now)
    {
        var read = _documents!.Read(FileName);
        var floorRead = _documents.Read(FloorFileName);
        var problem = read.Problem;
        List<Stored>? stored = null;
        if (read.Status is StateFileStatus.Good or StateFileStatus.Unchecked)
        {
            stored = TryParse<List<Stored>>(read.Body!, out var parseProblem);
            problem = parseProblem ?? (stored is null ? "it holds no list" : null);
            if (stored is not null && stored.Exists(c => string.IsNullOrWhiteSpace(c.Id) || !double.IsFinite(c.CapWatts) || c.CapWatts < 0 || c.Until < c.From))
            {
                (stored, problem) = (null, "a curtailment in it has no id, a cap that is not a power of 0 W or more, or ends before it starts");
            }
        }

        var floor = floorRead.Status is StateFileStatus.Good ? TryParse<StoredFloor>(floorRead.Body!, out _) : null;
        var floorKnown = floor is not null;
        if (stored is not null)
        {
            _active.AddRange(stored.Where(c => c.Until > now).Select(c => new Curtailment(c.Id, Power.FromWatts(c.CapWatts), c.From, c.Until, c.Reason, c.SetBy)));
            Log.CurtailmentsLoaded(_logger, _active.Count, _path!);
            if (floorRead.Status == StateFileStatus.Corrupt || (floorRead.Status == StateFileStatus.Good && !floorKnown))
            {
                // The list is whole: the floor is rewritten from it.
                Log.StateFileCorrupt(_logger, _floorPath!, floorRead.Problem ?? "it does not parse", _documents.MoveAside(FloorFileName) ?? "nowhere (it stays)",
                    "rewritten from curtailments.json, which is whole");
                _alarms?.Raise(AlarmKey, $"{FloorFileName} was corrupt ({floorRead.Problem ?? "it does not parse"}); rewritten from {FileName}", AlarmSeverity.Critical);
            }

            if (read.Status == StateFileStatus.Unchecked || !floorKnown)
            {
                Save();
            }

            return;
        }

        if (read.Status == StateFileStatus.Missing && (floorRead.Status == StateFileStatus.Missing || (floor is not null && (floor.CapWatts is null || floor.Until <= now))))
        {
            return;   // nothing was in force when last saved (or nothing ever was)
        }

        // curtailments.json is corrupt, or missing while the floor says a cap was in force: hold the lowest cap seen.
        var what = read.Status == StateFileStatus.Missing ? "missing, although " + FloorFileName + " says a cap is in force" : "corrupt: " + problem;
        var lastWrite = _documents.LastWrite(FileName) ?? _documents.LastWrite(FloorFileName) ?? now;
        var aside = read.Status == StateFileStatus.Missing ? null : _documents.MoveAside(FileName);
        (Power Cap, DateTimeOffset Until)? assumed = floor switch
        {
            { CapWatts: { } w, Until: { } until } when until > now && double.IsFinite(w) && w >= 0 => (Power.FromWatts(w), until),
            { CapWatts: null } => null,
            { Until: { } until } when until <= now => null,
            _ => (Power.Zero, Max(lastWrite + LongestDuration, now + TimeSpan.FromMinutes(15))),
        };
        if (assumed is not { } a)
        {
            Log.StateFileCorrupt(_logger, _path!, what, aside ?? "nowhere", $"{FloorFileName} says no curtailment was in force at the last save: the contract's cap holds");
            _alarms?.Raise(AlarmKey, $"{FileName} was {what}; {FloorFileName} says no curtailment was in force, so none is assumed", AlarmSeverity.Critical);
            Save();
            return;
        }

        var basis = floorKnown ? $"the lowest cap in force at the last save ({FloorFileName})" : $"0 kW, as {FloorFileName} is {(floorRead.Status == StateFileStatus.Missing ? "missing" : "corrupt")} too";
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{FileName} was {what}; holding {basis}: {a.Cap.Kilowatts:0.###} kW until {a.Until:u}, or until the operator cancels curtailment '{RecoveredId}' (DELETE /api/dr/curtail/{RecoveredId})");
        Log.StateFileCorrupt(_logger, _path!, what, aside ?? "nowhere", message);
        _alarms?.Hold(AlarmKey, message, AlarmSeverity.Critical);
        _active.Add(new Curtailment(RecoveredId, a.Cap, now, a.Until, $"assumed: {FileName} was {(read.Status == StateFileStatus.Missing ? "missing" : "corrupt")}, the lowest cap seen holds", "recovery"));
        Save();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static T? TryParse<T>(string json, out string? problem)
        where T : class
    {
        try
        {
            problem = null;
            return JsonSerializer.Deserialize<T>(json);
        }
        catch (JsonException e)
        {
            problem = "it does not parse: " + e.Message;
            return null;
        }
    }

    private sealed record Stored(string Id, double CapWatts, DateTimeOffset From, DateTimeOffset Until, string? Reason, string? SetBy = null);

    private sealed record StoredFloor(double? CapWatts, DateTimeOffset? Until, IReadOnlyList<string> Ids);
}

/// <summary>One curtailment in force: the cap, when it was asked for, until when, why, and who asked.</summary>
public sealed record Curtailment(string Id, Power Cap, DateTimeOffset From, DateTimeOffset Until, string? Reason, string? SetBy = null);
