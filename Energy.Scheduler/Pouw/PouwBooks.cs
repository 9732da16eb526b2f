using System.Globalization;
using Energy.Contracts.Sites;
using Energy.Gpu.Pouw;
using Energy.Scheduler.Books;
using Energy.Scheduler.Ha;
using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Pouw;

/// <summary>
/// Proof of useful work in the controller (docs/pouw.md, "Useful by construction"): the job registry (tenants' jobs, their
/// headers, the activations roots the inference server logs), persisted to <c>DATA/pouw/jobs.json</c>; the verifier; and
/// the proof ledger (the <c>pouw_tickets</c> table of <c>DATA/ledger.db</c>): every submitted ticket with its outcome.
/// An accepted ticket is valued at the site's per-ticket mining revenue and advances its job's header. Thread-safe.
/// With <c>--ha</c> the registry is the shared database's state document <see cref="DocumentName"/> (the same JSON), written
/// by the leader only; a controller taking over reads it again (<see cref="Reload"/>), so the jobs registered and the
/// headers advanced through the old leader are the new leader's.
/// </summary>
public sealed class PouwBooks
{
    public const string FolderName = "pouw";
    public const string JobsFileName = "jobs.json";

    /// <summary>The registry's name among the shared state documents (<c>--ha</c>).</summary>
    public const string DocumentName = FolderName + "/" + JobsFileName;

    /// <summary>Held while the shared registry (<c>--ha</c>) cannot be read as one: the jobs in memory stay, and it is not overwritten.</summary>
    public const string SharedAlarm = "pouw.shared";

    /// <summary>Held while the job registry cannot be saved (a registration or logged batch would not survive a restart).</summary>
    public const string SaveAlarm = "pouw.save";

    private readonly Lock _gate = new();
    private readonly ILedgerStore _ledger;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private readonly Site _site;
    private readonly PouwVerifier _verifier;
    private readonly IStateDocuments? _documents;
    private bool _sharedUnreadable;                 // the shared document did not read as a registry: never overwritten
    private DateTimeOffset? _sharedWrittenAt;       // when the shared document read last had been written

    /// <param name="documents">With <c>--ha</c>: the shared state documents, where the registry is kept instead of DATA/pouw/jobs.json.</param>
    /// <exception cref="PouwRegistryFileException">DATA/pouw/jobs.json (or the shared document) exists and is not a job registry: it is never replaced.</exception>
    /// <exception cref="IOException">The shared database cannot be read now.</exception>
    public PouwBooks(string dataFolder, ILedgerStore ledger, Site site, TimeProvider time, ILogger<PouwBooks> logger, Alarms? alarms = null,
        PouwVerifierOptions? options = null, TimeSpan? headerPeriod = null, IStateDocuments? documents = null)
    {
        HeaderPeriod = headerPeriod ?? DefaultHeaderPeriod;
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        ArgumentNullException.ThrowIfNull(site);
        (_ledger, _time, _logger, _alarms, _site, _documents) = (ledger, time, logger, alarms, site, documents);
        if (documents is null)
        {
            JobsPath = Path.Combine(dataFolder, FolderName, JobsFileName);
            Registry = Load(JobsPath);
        }
        else
        {
            JobsPath = documents.Where(DocumentName);
            _sharedWrittenAt = documents.LastWrite(DocumentName);
            Registry = LoadShared(documents);
        }

        Registry.RestoreActivations(ledger.ReadPouwBatches(PouwJobRegistry.ActivationsKept));
        Pricing = PouwPricing.Of(site);
        _verifier = new PouwVerifier(Registry, time, options);
        Log.PouwRegistryLoaded(logger, Registry.Jobs().Count, JobsPath, Pricing.Basis);
    }

    /// <summary>
    /// A job's header advances (naming the newest accepted ticket as its previous) at most this often. Advancing at
    /// every ticket would make the other winning tiles of the same product stale before their miner could submit
    /// them; the verifier's window (the current and the previous header, at most an hour old) keeps headers fresh.
    /// </summary>
    public static readonly TimeSpan DefaultHeaderPeriod = TimeSpan.FromMinutes(1);

    public TimeSpan HeaderPeriod { get; }

    public string JobsPath { get; }

    public PouwJobRegistry Registry { get; }

    public PouwPricing Pricing { get; }

    /// <summary>Whether the registry is kept in the shared database (<c>--ha</c>) rather than in DATA/pouw/jobs.json.</summary>
    public bool IsShared => _documents is not null;

    /// <summary>Whether the shared registry did not read as one at the last read (<see cref="SharedAlarm"/> held).</summary>
    public bool SharedUnreadable
    {
        get
        {
            lock (_gate)
            {
                return _sharedUnreadable;
            }
        }
    }

    /// <summary>Why a start on the shared database (<c>--ha</c>) must not go on (its registry document is broken or cannot be read), or null.</summary>
    public static string? StartRefusal(IStateDocuments documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        try
        {
            _ = LoadShared(documents);
            return null;
        }
        catch (PouwRegistryFileException e)
        {
            return e.Message + " Nothing was started.";
        }
        catch (IOException e)
        {
            return $"The PoUW job registry cannot be read: {e.Message}. Nothing was started.";
        }
    }

    /// <summary>
    /// With <c>--ha</c>: reads the registry again from the shared document and puts it in place of the one in memory (the
    /// verifier holds the same registry). At a takeover (<paramref name="restoreActivations"/>) the newest batches of the
    /// ledger are restored into it too, before anyone sees it. A document that does not read as a registry holds
    /// <see cref="SharedAlarm"/>: the jobs in memory stay in force and no save overwrites it until it reads again.
    /// </summary>
    /// <param name="onlyIfWritten">Skip the read when the document was not written since the last read (a standby's poll).</param>
    /// <returns>False when the document was not read as a registry (corrupt, or unchanged since it was); true when the registry is the document's.</returns>
    /// <exception cref="IOException">The shared database cannot be read now; nothing changed.</exception>
    public bool Reload(bool restoreActivations, bool onlyIfWritten = false)
    {
        if (_documents is null)
        {
            return false;
        }

        lock (_gate)
        {
            var writtenAt = _documents.LastWrite(DocumentName);
            if (onlyIfWritten && writtenAt == _sharedWrittenAt)
            {
                return false;
            }

            PouwJobRegistry read;
            try
            {
                read = LoadShared(_documents);
            }
            catch (PouwRegistryFileException e)
            {
                _sharedWrittenAt = writtenAt;
                if (!_sharedUnreadable)
                {
                    Log.PouwSharedUnreadable(_logger, JobsPath, Registry.Jobs().Count, e.Message);
                }

                _sharedUnreadable = true;
                _alarms?.Hold(SharedAlarm, $"{e.Message} The {Registry.Jobs().Count} PoUW jobs in memory stay in force; it is not overwritten (a job registered or a header advanced now is not kept)",
                    AlarmSeverity.Critical);
                return false;
            }

            if (restoreActivations)
            {
                read.RestoreActivations(_ledger.ReadPouwBatches(PouwJobRegistry.ActivationsKept));
            }

            Registry.ReplaceWith(read);
            _sharedWrittenAt = writtenAt;
            if (_sharedUnreadable)
            {
                _sharedUnreadable = false;
                _alarms?.Clear(SharedAlarm);
                _alarms?.Clear(SaveAlarm);
                Log.PouwSharedReadable(_logger, JobsPath, Registry.Jobs().Count);
            }

            return true;
        }
    }

    /// <summary>Why a start on <paramref name="dataFolder"/> must not go on (its jobs.json is broken), or null.</summary>
    public static string? StartRefusal(string dataFolder)
    {
        try
        {
            _ = Load(Path.Combine(dataFolder, FolderName, JobsFileName));
            return null;
        }
        catch (PouwRegistryFileException e)
        {
            return e.Message + " Nothing was started.";
        }
    }

    /// <summary>Registers a tenant's job and saves the registry; returns header 0.</summary>
    /// <exception cref="InvalidOperationException">The job is registered already.</exception>
    /// <exception cref="PouwSaveException">Registered, but jobs.json could not be written.</exception>
    public PouwHeader Register(string tenant, string job, byte[] weightsRoot, PouwParameters parameters, byte[] target)
    {
        lock (_gate)
        {
            var header = Registry.Register(tenant, job, weightsRoot, parameters, target, _time.GetUtcNow());
            Log.PouwJobRegistered(_logger, tenant, job, parameters.ToString(), Convert.ToHexStringLower(weightsRoot));
            Save();
            return header;
        }
    }

    /// <summary>
    /// Logs one request batch's activations root for a job: in the registry, and in the energy ledger (<c>pouw_batches</c>,
    /// one insert, fsynced like the slots), from which a restart restores the newest <see cref="PouwJobRegistry.ActivationsKept"/>
    /// per job. jobs.json is not rewritten per batch.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such job.</exception>
    public void LogBatch(string tenant, string job, byte[] activationsRoot) => LogBatches(tenant, job, [activationsRoot]);

    /// <summary>Logs several batches at once: one ledger transaction, all or none.</summary>
    /// <exception cref="KeyNotFoundException">No such job.</exception>
    public void LogBatches(string tenant, string job, IReadOnlyList<byte[]> activationsRoots)
    {
        ArgumentNullException.ThrowIfNull(activationsRoots);
        lock (_gate)
        {
            if (Registry.FindJob(tenant, job) is null)
            {
                throw new KeyNotFoundException($"No job {tenant}/{job}.");
            }

            var hex = activationsRoots.Select(r => r?.Length == PouwHashing.HashBytes ? Convert.ToHexStringLower(r)
                : throw new ArgumentException("An activations root is a 32-byte hash.", nameof(activationsRoots))).ToList();
            _ledger.RecordPouwBatches(_time.GetUtcNow(), tenant, job, hex);
            foreach (var root in activationsRoots)
            {
                Registry.LogActivations(tenant, job, root);
            }

            Log.PouwBatchLogged(_logger, tenant, job, hex.Count == 1 ? hex[0] : $"{hex.Count} roots, {hex[0]} …");
        }
    }

    /// <summary>
    /// Verifies a ticket and records it in the proof ledger: accepted (its job's header advances to it when the current
    /// header is <see cref="HeaderPeriod"/> old), or refused with the
    /// verifier's reason, or <c>duplicate</c> when its id was accepted before (checked first: an accepted ticket submitted
    /// again after its header went stale is still a duplicate).
    /// </summary>
    public PouwLedgerEntry Submit(PouwTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var h = ticket.Header;

        // One at a time (a tile's recomputation is well under a millisecond): the verdict is on the headers in force when it is recorded.
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_ledger.IsPouwAccepted(ticket.Id))
            {
                return Record(Duplicate(new PouwLedgerEntry(now, h.Tenant, h.Job, h.Sequence, ticket.Id, string.Empty, string.Empty, 0, 0, Pricing.Currency)));
            }

            var verdict = _verifier.Verify(ticket);
            if (!verdict.Accepted)
            {
                return Record(new PouwLedgerEntry(now, h.Tenant, h.Job, h.Sequence, ticket.Id, verdict.Reason, verdict.Detail, 0, 0, Pricing.Currency));
            }

            var accepted = new PouwLedgerEntry(now, h.Tenant, h.Job, h.Sequence, ticket.Id, PouwLedgerEntry.Accepted, verdict.Detail, verdict.WorkUnits,
                Pricing.RevenuePerTicket, Pricing.Currency);
            if (!_ledger.RecordPouw(accepted))
            {
                return Record(Duplicate(accepted));      // a second process on the same ledger accepted it meanwhile
            }

            Log.PouwTicketAccepted(_logger, h.Tenant, h.Job, h.Sequence, ticket.Id, verdict.WorkUnits);
            if (Registry.CurrentHeader(h.Tenant, h.Job) is { } current && now - DateTimeOffset.FromUnixTimeMilliseconds(current.IssuedAtUnixMs) < HeaderPeriod)
            {
                return accepted;
            }

            Registry.Advance(h.Tenant, h.Job, ticket.TileHash, now);
            try
            {
                Save();
            }
            catch (PouwSaveException)
            {
                // The ticket is in the ledger; the new header holds in memory, and the alarm says it would not survive a restart.
            }

            return accepted;
        }
    }

    /// <summary>Records a body that is not a ticket (as <c>malformed</c>), with whatever tenant and job it named.</summary>
    public PouwLedgerEntry RecordMalformed(string? tenant, string? job, string detail)
    {
        lock (_gate)
        {
            return Record(new PouwLedgerEntry(_time.GetUtcNow(), Bounded(tenant), Bounded(job), 0, string.Empty,
                PouwVerification.ReasonName(PouwRejection.Malformed), detail, 0, 0, Pricing.Currency));
        }
    }

    /// <summary>The proof ledger summed per tenant and outcome.</summary>
    public IReadOnlyList<PouwLedgerTotal> Totals() => _ledger.PouwTotals();

    /// <summary>Window of <see cref="Energy"/>: the last day of closed and open ledger slots.</summary>
    public static readonly TimeSpan EnergyWindow = TimeSpan.FromDays(1);

    /// <summary>
    /// The GPU energy a ticket took, measured beside the site file's model: the mining workload's GPU energy counters
    /// over the last day (the energy ledger's GPU lines) divided by the tickets accepted in that day. Null figures
    /// where nothing was mined or nothing accepted (tickets mined elsewhere, e.g. inside a tenant's inference server,
    /// are counted, but their energy is not the mining workload's).
    /// </summary>
    public PouwEnergyView Energy()
    {
        var until = _time.GetUtcNow();
        var since = until - EnergyWindow;
        var model = _site.Workloads.OfType<MiningWorkload>().FirstOrDefault(w => string.Equals(w.Name, Pricing.Workload, StringComparison.Ordinal));
        var kwh = Pricing.Workload is null ? 0
            : _ledger.Read(since, until).SelectMany(s => s.Gpus).Where(g => string.Equals(g.Workload, Pricing.Workload, StringComparison.Ordinal)).Sum(g => g.Kwh);
        var tickets = _ledger.ReadPouw(since, until.AddMilliseconds(1)).Count(e => e.IsAccepted);      // up to and including now
        double? joules = tickets > 0 && kwh > 0 ? kwh * 3.6e6 / tickets : null;
        double? valuePerMwh = joules is { } j && Pricing.RevenuePerTicket > 0 ? Pricing.RevenuePerTicket * 3.6e9 / j : null;
        return new PouwEnergyView(Pricing.Workload, since, until, Math.Round(kwh, 6), tickets, joules is null ? null : Math.Round(joules.Value, 1),
            valuePerMwh is null ? null : Math.Round(valuePerMwh.Value, 2), model?.JoulesPerUnit, model is null ? null : Math.Round(model.ValuePerMwh.PerMegawattHour, 2));
    }

    private static PouwLedgerEntry Duplicate(PouwLedgerEntry entry) => entry with
    {
        Outcome = PouwVerification.ReasonName(PouwRejection.Duplicate),
        Detail = $"ticket {entry.TicketId} was accepted before",
        WorkUnits = 0,
        Value = 0,
    };

    private PouwLedgerEntry Record(PouwLedgerEntry entry)
    {
        _ledger.RecordPouw(entry);
        Log.PouwTicketRefused(_logger, entry.Tenant, entry.Job, entry.Sequence, entry.TicketId, entry.Outcome, entry.Detail);
        return entry;
    }

    /// <summary>Writes jobs.json whole: a temporary file, flushed to the disk, renamed over the old one (with <c>--ha</c>: the shared document, by the leader).</summary>
    private void Save()
    {
        if (_documents is not null)
        {
            SaveShared(_documents);
            return;
        }

        var temporary = JobsPath + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(JobsPath)!);
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(file))
            {
                writer.Write(Registry.ToJson());
                writer.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, JobsPath, overwrite: true);
            _alarms?.Clear(SaveAlarm);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.PouwRegistrySaveFailed(_logger, JobsPath, e);
            _alarms?.Hold(SaveAlarm, $"the PoUW job registry could not be saved to {JobsPath} ({e.Message}): jobs and batches since would be lost at a restart");
            throw new PouwSaveException($"the job registry could not be saved to {JobsPath}: {e.Message}", e);
        }
    }

    private void SaveShared(IStateDocuments documents)
    {
        if (_sharedUnreadable)
        {
            var message = $"{JobsPath} does not read as a PoUW job registry and is never overwritten: restore it, or delete it to start with no jobs";
            _alarms?.Hold(SaveAlarm, $"the PoUW job registry could not be saved ({message}): jobs and headers since would be lost at a restart or takeover");
            throw new PouwSaveException($"the job registry could not be saved: {message}");
        }

        try
        {
            documents.Write(DocumentName, Registry.ToJson());        // a standby's write is skipped: the leader's document stands
            _alarms?.Clear(SaveAlarm);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.PouwRegistrySaveFailed(_logger, JobsPath, e);
            _alarms?.Hold(SaveAlarm, $"the PoUW job registry could not be saved to {JobsPath} ({e.Message}): jobs and headers since would be lost at a restart or takeover");
            throw new PouwSaveException($"the job registry could not be saved to {JobsPath}: {e.Message}", e);
        }
    }

    /// <exception cref="PouwRegistryFileException">The document is there and is not a job registry.</exception>
    /// <exception cref="IOException">The shared database cannot be read now.</exception>
    private static PouwJobRegistry LoadShared(IStateDocuments documents)
    {
        var read = documents.Read(DocumentName);
        var where = documents.Where(DocumentName);
        if (read.Status == StateFileStatus.Missing)
        {
            return new PouwJobRegistry();
        }

        if (read.Status == StateFileStatus.Corrupt || read.Body is null)
        {
            throw new PouwRegistryFileException($"{where}: the PoUW job registry cannot be read ({read.Problem}). HeatGrid never replaces it: restore it from a backup, or delete it to start with no jobs.");
        }

        try
        {
            return PouwJobRegistry.FromJson(read.Body);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new PouwRegistryFileException(
                $"{where}: not a PoUW job registry ({e.Message}). HeatGrid never replaces it: restore it from a backup, or delete it to start with no jobs.", e);
        }
    }

    private static PouwJobRegistry Load(string path)
    {
        string json;
        try
        {
            if (!File.Exists(path))
            {
                return new PouwJobRegistry();
            }

            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PouwRegistryFileException($"{path}: the PoUW job registry cannot be read ({e.Message}).", e);
        }

        try
        {
            return PouwJobRegistry.FromJson(json);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new PouwRegistryFileException(
                $"{path}: not a PoUW job registry ({e.Message}). HeatGrid never replaces it: restore it from a backup, or move it aside to start with no jobs.", e);
        }
    }

    private static string Bounded(string? text) => text is null ? string.Empty : text.Length <= 64 ? text : text[..64];
}

/// <summary>The energy per ticket over <see cref="PouwBooks.EnergyWindow"/>: measured (GPU counters of the mining workload / tickets accepted) beside the site file's model.</summary>
/// <param name="MiningGpuKwh">The mining workload's GPU energy counters in the window.</param>
/// <param name="TicketsVerified">Tickets accepted in the window.</param>
/// <param name="MeasuredJoulesPerTicket">MiningGpuKwh / TicketsVerified; null when either is zero.</param>
/// <param name="MeasuredValuePerMwh">What a MWh of GPU energy earned at the measured rate; null without one.</param>
/// <param name="ModelJoulesPerTicket">The site file's <c>joulesPerUnit</c> the planner values mining with.</param>
/// <param name="ModelValuePerMwh">The planner's value of a MWh of mining.</param>
public sealed record PouwEnergyView(string? Workload, DateTimeOffset Since, DateTimeOffset Until, double MiningGpuKwh, int TicketsVerified,
    double? MeasuredJoulesPerTicket, double? MeasuredValuePerMwh, double? ModelJoulesPerTicket, double? ModelValuePerMwh);

/// <summary>What an accepted ticket is worth: the site's mining workload paid per ticket, or nothing when there is none.</summary>
/// <param name="Workload">The mining workload whose unit is a ticket; null when the site has none.</param>
/// <param name="Basis">Where the price comes from, for people.</param>
public sealed record PouwPricing(string? Workload, double RevenuePerTicket, string Currency, string Basis)
{
    /// <summary>Units that mean one PoUW ticket (case-insensitive).</summary>
    public static readonly IReadOnlyList<string> TicketUnits = ["ticket", "PoUW-ticket"];

    public static PouwPricing Of(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var mining = site.Workloads.OfType<MiningWorkload>()
            .FirstOrDefault(w => TicketUnits.Any(u => string.Equals(u, w.Unit.Trim(), StringComparison.OrdinalIgnoreCase)));
        return mining is null
            ? new PouwPricing(null, 0, site.Currency.Code, "no mining workload of the site is paid per ticket (unit: ticket or PoUW-ticket): accepted tickets are valued at 0")
            : new PouwPricing(mining.Name, mining.RevenuePerUnit.Amount, mining.RevenuePerUnit.Currency.Code,
                string.Create(CultureInfo.InvariantCulture, $"mining workload '{mining.Name}': {mining.RevenuePerUnit.Amount} {mining.RevenuePerUnit.Currency.Code} per {mining.Unit}"));
    }
}

/// <summary>DATA/pouw/jobs.json exists and cannot be read as a job registry.</summary>
public sealed class PouwRegistryFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The job registry changed in memory but could not be written to the disk.</summary>
public sealed class PouwSaveException(string message, Exception? inner = null) : Exception(message, inner);
