using System.Globalization;
using Energy.Gpu.Pouw;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.NodeAgent.Pouw;

/// <summary>
/// Where the node's miners hand verified tickets: each is written to a file in the outbox folder at once (a temporary
/// file renamed, so a crash leaves whole tickets only) and stays there until the controller has answered it — accepted
/// or refused, both final and logged with the reason. Connection errors, timeouts and 5xx are retried with a doubling
/// backoff; a 401/403 raises a Critical alarm and waits long, not a tight loop. The outbox is bounded: over the cap the
/// oldest ticket is dropped with a log line. Tickets left by an earlier run are delivered first (oldest first).
/// <see cref="DeliverNextAsync"/> tries the oldest ticket; <see cref="RunAsync"/> loops it.
/// </summary>
public sealed class PouwTicketOutbox : IPouwTicketSink, IDisposable
{
    public const string UnauthorizedAlarm = InferenceShapesJobSource.UnauthorizedAlarm;
    public const string OutboxAlarm = "pouw.outbox";

    private readonly string _folder;
    private readonly PouwControllerClient _client;
    private readonly PouwNodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private readonly Lock _lock = new();
    private readonly List<string> _pending = [];
    private readonly SemaphoreSlim _signal = new(0, 1);
    private long _sequence;
    private long _found;
    private long _accepted;
    private long _refused;
    private long _dropped;
    private long _minerRefused;
    private TimeSpan _backoff;
    private bool _failing;

    public PouwTicketOutbox(string folder, PouwControllerClient client, PouwNodeOptions options, TimeProvider time, ILogger logger, Alarms? alarms = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _folder = Path.GetFullPath(folder);
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
        _alarms = alarms;
        _backoff = options.FirstBackoff;
        Directory.CreateDirectory(_folder);
        foreach (var stale in Directory.EnumerateFiles(_folder, "*.tmp"))
        {
            File.Delete(stale);
        }

        _pending.AddRange(Directory.EnumerateFiles(_folder, "*.json").Order(StringComparer.Ordinal));
        if (_pending.Count > 0)
        {
            Log.PouwOutboxLoaded(_logger, _folder, _pending.Count);
        }
    }

    /// <summary>Called after the controller refused a ticket as <c>stale-job</c>: the job's header has moved on.</summary>
    public Action? StaleHeader { get; set; }

    public string Folder => _folder;

    /// <summary>Tickets held, not yet answered.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Tickets handed in, accepted and refused by the controller, dropped over the cap, and winners the miner's verifier refused.</summary>
    public (long Found, long Accepted, long Refused, long Dropped, long MinerRefused) Totals =>
        (Interlocked.Read(ref _found), Interlocked.Read(ref _accepted), Interlocked.Read(ref _refused), Interlocked.Read(ref _dropped), Interlocked.Read(ref _minerRefused));

    public void Found(PouwTicket ticket, PouwVerification verification)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        Interlocked.Increment(ref _found);
        var name = string.Create(CultureInfo.InvariantCulture,
            $"{_time.GetUtcNow().ToUnixTimeMilliseconds():D13}-{Interlocked.Increment(ref _sequence):D9}-{ticket.Id[..16]}.json");
        var path = Path.Combine(_folder, name);
        try
        {
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, ticket.ToJson());
            File.Move(temporary, path, overwrite: true);
            _alarms?.Clear(OutboxAlarm);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.PouwOutboxWriteFailed(_logger, ticket.Id, _folder, e);
            _alarms?.Raise(OutboxAlarm, $"PoUW tickets cannot be written to the outbox {_folder}: {e.Message}", AlarmSeverity.Critical);
            return;
        }

        lock (_lock)
        {
            _pending.Add(path);
            while (_pending.Count > Math.Max(1, _options.OutboxCap))
            {
                var oldest = _pending[0];
                _pending.RemoveAt(0);
                Delete(oldest);
                Interlocked.Increment(ref _dropped);
                Log.PouwOutboxDropped(_logger, _options.OutboxCap, Path.GetFileName(oldest));
            }
        }

        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Released by another miner thread in between: the sender is woken either way.
            }
        }
    }

    public void Refused(PouwHeader header, CudaPouwRefusal refusal) => Interlocked.Increment(ref _minerRefused);

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (await DeliverNextAsync(ct) is not { } wait)
            {
                await _signal.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            else if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Submits the oldest held ticket. Null when the outbox is empty; zero after a final answer (the next may go at once);
    /// else how long to wait before trying again.
    /// </summary>
    public async Task<TimeSpan?> DeliverNextAsync(CancellationToken ct)
    {
        string? path;
        lock (_lock)
        {
            path = _pending.Count > 0 ? _pending[0] : null;
        }

        if (path is null)
        {
            return null;
        }

        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, ct);
        }
        catch (FileNotFoundException)
        {
            Forget(path);
            return TimeSpan.Zero;
        }

        if (!PouwTicket.TryParse(text, out var ticket, out var error))
        {
            Log.PouwOutboxUnreadable(_logger, Path.GetFileName(path), error ?? "empty");
            File.Move(path, path + ".bad", overwrite: true);
            Forget(path);
            return TimeSpan.Zero;
        }

        var h = ticket!.Header;
        var result = await _client.SubmitAsync(text, ct);
        switch (result.Outcome)
        {
            case PouwCallOutcome.Answered or PouwCallOutcome.Refused:
                Back();
                if (result.Outcome == PouwCallOutcome.Answered && result.Accepted)
                {
                    Interlocked.Increment(ref _accepted);
                    Log.PouwNodeTicketAccepted(_logger, ticket.Id, h.Tenant, h.Job, result.WorkUnits);
                }
                else
                {
                    Interlocked.Increment(ref _refused);
                    Log.PouwNodeTicketRefused(_logger, ticket.Id, h.Tenant, h.Job, result.Reason, result.Detail);
                    if (result.Reason == PouwVerification.ReasonName(PouwRejection.StaleJob))
                    {
                        StaleHeader?.Invoke();
                    }
                }

                Delete(path);
                Forget(path);
                return TimeSpan.Zero;
            case PouwCallOutcome.Unauthorized:
                _failing = true;
                _alarms?.Hold(UnauthorizedAlarm, $"the controller refused this agent's PoUW API key on submitting a ticket (HTTP {result.Status}): give an agent key with --pouw-key-file",
                    AlarmSeverity.Critical);
                Log.PouwUnauthorized(_logger, "submitting a ticket", result.Status, result.Detail, _options.UnauthorizedRetry.TotalSeconds);
                return _options.UnauthorizedRetry;
            default:
                _failing = true;
                var wait = _backoff;
                _backoff = _backoff * 2 > _options.MaxBackoff ? _options.MaxBackoff : _backoff * 2;
                Log.PouwTicketHeld(_logger, ticket.Id, result.Reason, result.Detail, Pending, wait.TotalSeconds);
                return wait;
        }
    }

    public void Dispose() => _signal.Dispose();

    private void Back()
    {
        _backoff = _options.FirstBackoff;
        if (_failing)
        {
            _failing = false;
            _alarms?.Clear(UnauthorizedAlarm);
            Log.PouwControllerBack(_logger, Pending);
        }
    }

    private void Forget(string path)
    {
        lock (_lock)
        {
            _pending.Remove(path);
        }
    }

    private static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Gone already (dropped over the cap while being sent): nothing left to remove.
        }
    }
}
