using System.Text.Json;
using System.Text.Json.Nodes;
using Energy.Contracts.Configuration;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Scheduler.Audit;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Policy;

/// <summary>
/// The operator policy in force, the one place the planner and the controller read it from each run: the site with
/// its policy replaced by the current version (<see cref="InForce"/>, swapped atomically). Changes and rollbacks go
/// through here one at a time: checked by the site file's own reader, written to <see cref="PolicyStore"/> before
/// they apply (a change the disk refused does not apply), recorded in the audit trail.
/// <para>
/// Two parts of the site file's <c>policy:</c> section stay in the site file: <c>demandResponse</c> and
/// <c>safeState</c> are acted on by each node agent by itself, read from its own site file when it starts, so a
/// change here could not reach them; a change of either is refused with that reason.
/// </para>
/// </summary>
public sealed class PolicyState
{
    /// <summary>The alarm held while a version could not be saved or a kept one could not be read.</summary>
    public const string StoreAlarm = "policy.store";

    private readonly Site _site;
    private readonly IPolicyVersionStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IAuditTrail? _audit;
    private readonly Alarms? _alarms;
    private readonly Lock _changing = new();
    private readonly List<PolicyVersion> _versions = [];
    private PolicyInForce _inForce;

    public PolicyState(Site site, IPolicyVersionStore store, TimeProvider time, ILogger<PolicyState> logger, IAuditTrail? audit = null, Alarms? alarms = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(store);
        (_site, _store, _time, _logger, _audit, _alarms) = (site, store, time, logger, audit, alarms);
        _inForce = Resume();
    }

    /// <summary>The site with the policy in force, and that policy's version.</summary>
    public PolicyInForce InForce => Volatile.Read(ref _inForce);

    /// <summary>The site as the planner and controller use it now: the site file's, with the policy in force.</summary>
    public Site Site => InForce.Site;

    /// <summary>Every version, newest first.</summary>
    public IReadOnlyList<PolicyVersion> Versions()
    {
        lock (_changing)
        {
            return [.. Enumerable.Reverse(_versions)];
        }
    }

    /// <summary>
    /// Changes the policy by <paramref name="policy"/>: the site file's <c>policy:</c> keys, as JSON. Keys left out keep
    /// their value in force (so changing the price limit cannot drop a ramp limit by omission); null removes a limit,
    /// and gives <c>minDwell</c> and <c>shedOrder</c> the site file's defaults. The result is read as a whole section.
    /// </summary>
    public PolicyChangeResult Change(JsonElement policy, string? reason, int? baseVersion, AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        lock (_changing)
        {
            if (Conflict(baseVersion) is { } conflict)
            {
                return conflict;
            }

            var read = PolicySection.Parse(OverInForce(policy), _site.Currency, "request");
            var errors = read.Errors.Concat(Repeated(policy)).Concat(SiteFileOnly(policy, read.Policy)).ToList();
            if (errors.Count > 0 || read.Policy is null)
            {
                Log.PolicyRefused(_logger, actor.Who, string.Join("; ", errors.Select(Text)));
                return new PolicyChangeResult(PolicyChangeOutcome.Invalid, InForce.Version, errors);
            }

            return Apply(read.Policy, reason, actor, "policy.change", rolledBackTo: null);
        }
    }

    /// <summary>Makes a new version with the policy of version <paramref name="version"/>.</summary>
    public PolicyChangeResult Rollback(int version, string? reason, int? baseVersion, AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        lock (_changing)
        {
            if (Conflict(baseVersion) is { } conflict)
            {
                return conflict;
            }

            if (_versions.FirstOrDefault(v => v.Version == version) is not { } earlier)
            {
                return new PolicyChangeResult(PolicyChangeOutcome.Invalid, InForce.Version,
                    [Error("version", $"there is no policy version {version}; versions 1 to {InForce.Version.Version} exist")]);
            }

            var read = earlier.Policy.Read(_site.Currency, $"version {version}");
            var errors = read.Errors.Concat(SiteFileOnly(null, read.Policy)).ToList();
            if (errors.Count > 0 || read.Policy is null)
            {
                return new PolicyChangeResult(PolicyChangeOutcome.Invalid, InForce.Version, errors);
            }

            return Apply(read.Policy, reason ?? $"rollback to version {version}", actor, "policy.rollback", version);
        }
    }

    /// <summary>The policy in force with the given keys laid over it (in place, unknown ones after); anything but an object as given, for the reader to refuse.</summary>
    private JsonElement OverInForce(JsonElement given)
    {
        if (given.ValueKind != JsonValueKind.Object)
        {
            return given;
        }

        var merged = JsonSerializer.SerializeToNode(InForce.Version.Policy, PolicyDocument.Json)!.AsObject();
        foreach (var field in given.EnumerateObject())
        {
            merged[field.Name] = JsonNode.Parse(field.Value.GetRawText());
        }

        return JsonSerializer.SerializeToElement(merged, PolicyDocument.Json);
    }

    private static IEnumerable<ConfigError> Repeated(JsonElement given) => given.ValueKind != JsonValueKind.Object ? []
        : given.EnumerateObject().GroupBy(f => f.Name, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => Error(g.Key, "the field is given more than once"));

    private PolicyChangeResult? Conflict(int? baseVersion) =>
        baseVersion is { } given && given != InForce.Version.Version
            ? new PolicyChangeResult(PolicyChangeOutcome.Conflict, InForce.Version,
                [Error("baseVersion", $"the change was made on version {given}, but version {InForce.Version.Version} is in force now: read GET /api/policy again")])
            : null;

    private PolicyChangeResult Apply(OperatorPolicy parsed, string? reason, AuditActor actor, string what, int? rolledBackTo)
    {
        var before = InForce.Version;
        var policy = parsed with { DemandResponse = _site.Policy.DemandResponse };
        var document = PolicyDocument.From(policy);
        if (document.SameAs(before.Policy))
        {
            return new PolicyChangeResult(PolicyChangeOutcome.Unchanged, before, []);
        }

        var entry = new PolicyVersion(NextVersion(), _time.GetUtcNow(), actor.Who, actor.Role, reason, PolicyVersion.FromApi, document);
        try
        {
            _store.Append(_site.Name, entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.PolicyNotSaved(_logger, entry.Version, _store.Folder, e.Message, "the change does not apply");
            _alarms?.Raise(StoreAlarm, $"a policy change could not be saved in {_store.Folder} ({e.Message}): it did not apply", AlarmSeverity.Warning);
            return new PolicyChangeResult(PolicyChangeOutcome.NotSaved, before, [Error(string.Empty, $"the data folder refused the new version: {e.Message}")]);
        }

        _versions.Add(entry);
        Volatile.Write(ref _inForce, new PolicyInForce(_site with { Policy = policy }, entry));
        var (was, now) = before.Policy.Changes(document);
        Log.PolicyChanged(_logger, entry.Version, what, actor.Who, actor.From,
            string.Join(", ", now.Keys.Select(k => $"{k} {JsonSerializer.Serialize(was[k], PolicyDocument.Json)} → {JsonSerializer.Serialize(now[k], PolicyDocument.Json)}")));
        was["version"] = before.Version;
        now["version"] = entry.Version;
        if (rolledBackTo is { } target)
        {
            now["rolledBackTo"] = target;
        }

        _audit?.Record(actor, what, was, now, reason);
        return new PolicyChangeResult(PolicyChangeOutcome.Changed, entry, []);
    }

    /// <summary>The site-file-only parts (see the class): <c>demandResponse</c> given at all, <c>safeState</c> other than the site file's.</summary>
    private List<ConfigError> SiteFileOnly(JsonElement? given, OperatorPolicy? policy)
    {
        var errors = new List<ConfigError>();
        if (given is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("demandResponse", out _))
        {
            errors.Add(Error("demandResponse", "is read from the site file only: each node agent acts on it by itself, as its site file says when it starts; change it there and restart"));
        }

        if (policy is not null && policy.SafeState != _site.Policy.SafeState)
        {
            errors.Add(Error("safeState", $"is read from the site file only ({PolicyDocument.From(_site.Policy).SafeState}): each node agent falls back to it by itself, as its site file says when it starts; change it there and restart"));
        }

        return errors;
    }

    /// <summary>
    /// With a shared store (<c>--ha</c>): reads the versions again and puts the newest in force, as another controller kept
    /// them (a standby every few seconds, and at the takeover before its first batch). True when the version in force changed.
    /// Nothing is appended here: the site file's policy becomes a version only at a start.
    /// </summary>
    /// <exception cref="IOException">The store cannot be read now; what is in force stays.</exception>
    public bool Reload()
    {
        lock (_changing)
        {
            var (kept, _) = _store.Load();
            if (kept.Count == 0 || kept[^1].Site != _site.Name)
            {
                return false;
            }

            var newest = kept[^1].Entry;
            if (newest.Version == InForce.Version.Version && kept.Count == _versions.Count)
            {
                return false;
            }

            var read = newest.Policy.Read(_site.Currency, _store.Folder);
            if (read.Policy is not { } policy || policy.SafeState != _site.Policy.SafeState)
            {
                Log.PolicyVersionInvalid(_logger, newest.Version, _store.Folder, string.Join("; ", read.Errors.Select(Text)));
                return false;
            }

            _versions.Clear();
            _versions.AddRange(kept.Select(k => k.Entry));
            var changed = newest.Version != InForce.Version.Version;
            Volatile.Write(ref _inForce, new PolicyInForce(_site with { Policy = policy with { DemandResponse = _site.Policy.DemandResponse } }, newest));
            if (changed)
            {
                Log.PolicyResumed(_logger, newest.Version, newest.Source, newest.ChangedBy, newest.ChangedAt, _store.Folder);
            }

            return changed;
        }
    }

    private int NextVersion() => _versions.Count == 0 ? 1 : _versions.Max(v => v.Version) + 1;

    /// <summary>
    /// At start: the newest kept version applies when the site file's policy section is still the one the versions
    /// were made on (that of the newest version with source site); when it has changed since (or the folder kept
    /// another site's), the site file was edited on purpose, and its policy becomes a new version that applies.
    /// </summary>
    private PolicyInForce Resume()
    {
        var fromSite = PolicyDocument.From(_site.Policy);
        var (kept, problems) = _store.Load();
        foreach (var problem in problems)
        {
            Log.PolicyVersionUnreadable(_logger, problem);
            _alarms?.Hold(StoreAlarm, $"a policy version file could not be read and was left out: {problem}", AlarmSeverity.Warning);
        }

        _versions.AddRange(kept.Select(k => k.Entry));
        var newest = kept.Count == 0 ? default : kept[^1];
        var siteBase = kept.LastOrDefault(k => k.Entry.Source == PolicyVersion.FromSite);
        string? why = kept.Count == 0 ? null
            : newest.Site != _site.Name ? $"they were kept for site '{newest.Site}'"
            : siteBase.Entry is null ? "none came from the site file"
            : !siteBase.Entry.Policy.SameAs(fromSite) ? $"it changed since version {siteBase.Entry.Version}"
            : null;
        if (kept.Count > 0 && why is null)
        {
            var read = newest.Entry.Policy.Read(_site.Currency, _store.Folder);
            if (read.Policy is { } policy && policy.SafeState == _site.Policy.SafeState)
            {
                Log.PolicyResumed(_logger, newest.Entry.Version, newest.Entry.Source, newest.Entry.ChangedBy, newest.Entry.ChangedAt, _store.Folder);
                return new PolicyInForce(_site with { Policy = policy with { DemandResponse = _site.Policy.DemandResponse } }, newest.Entry);
            }

            Log.PolicyVersionInvalid(_logger, newest.Entry.Version, _store.Folder, string.Join("; ", read.Errors.Select(Text)));
            why = $"version {newest.Entry.Version} does not read";
        }

        var entry = new PolicyVersion(NextVersion(), _time.GetUtcNow(), "site file", null,
            why is null ? "the site file's policy section" : $"the site file's policy section ({why})", PolicyVersion.FromSite, fromSite);
        try
        {
            _store.Append(_site.Name, entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The site file's policy applies all the same: it is what the operator gave the process.
            Log.PolicyNotSaved(_logger, entry.Version, _store.Folder, e.Message, "the site file's policy applies, kept in memory only");
            _alarms?.Hold(StoreAlarm, $"the policy's versions cannot be saved in {_store.Folder} ({e.Message})", AlarmSeverity.Warning);
        }

        if (why is not null)
        {
            Log.PolicyFromSiteFile(_logger, _store.Folder, why, entry.Version);
        }

        _versions.Add(entry);
        return new PolicyInForce(_site, entry);
    }

    private static ConfigError Error(string field, string message) =>
        new("request", 1, 1, field.Length == 0 || field.StartsWith(PolicySection.Path, StringComparison.Ordinal) || field is "version" or "baseVersion"
            ? field : $"{PolicySection.Path}.{field}", message);

    /// <summary>An error as the API shows it: the site file's text without the file and position.</summary>
    public static string Text(ConfigError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Field.Length == 0 ? error.Message : $"{error.Field}: {error.Message}";
    }
}
