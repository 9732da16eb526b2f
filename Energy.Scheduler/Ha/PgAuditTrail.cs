using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Energy.Scheduler.Audit;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Energy.Scheduler.Ha;

/// <summary>
/// The audit trail in the shared database (<c>--ha</c>): table <c>heatgrid_audit</c>, one row per entry keyed (site, seq),
/// each row holding the entry's line exactly as <see cref="AuditChain.Line"/> writes it in <c>DATA/audit.jsonl</c> — the
/// same JSON, the same hash chain, checked by the same <see cref="AuditChain.Check"/> (<see cref="Verify"/>). Beside it
/// <c>heatgrid_audit_head</c> holds the site's last seq and hash, as <c>DATA/audit.head</c> does for the file.
/// <para>Every controller of the site appends to the one chain. An append runs in a transaction that first takes a
/// transaction-scoped advisory lock on the site's key (<see cref="LockKey"/>), then continues from the last row, so two
/// controllers appending at once are serialized: seq stays gap-free and each prev is the hash of the entry before. A head
/// that does not match the last row (rows deleted from the end) is answered with an entry <c>audit.tailMissing</c>
/// before the next, and the critical alarm <c>audit.chain</c>.</para>
/// <para>Never throws for the database: an entry that cannot be written is held in memory, in order, at most
/// <see cref="QueueCap"/> of them, raises the critical alarm <c>audit.write</c> and <see cref="Record"/> answers null.
/// While entries are held, new ones go behind them without waiting on the database, and a timer tries again every
/// <see cref="RetryEvery"/>; once the database answers, the held entries are written in the order they were recorded
/// (each with the time it was recorded). Beyond the cap, entries are dropped and counted; the count, and when the first
/// and the last were dropped, are recorded as <c>audit.lost</c> once there is room again. Held entries are lost if the
/// process ends before the database answers; the log names each when it is held (event 3980) and how many were held at the stop (3984).
/// A write on the caller's path waits at most the connection's timeouts (3 s to connect, 2 s a command) once; then callers
/// no longer wait until the database answers again.</para>
/// </summary>
public sealed class PgAuditTrail : IAuditTrail, IDisposable
{
    /// <summary>The most entries held while the database is away (a standby or a leader records a few a minute; a day's worth).</summary>
    public const int QueueCap = 10_000;

    /// <summary>How many held entries one transaction writes.</summary>
    private const int Batch = 500;

    /// <summary>How often held entries are tried again.</summary>
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);

    private readonly HaDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger<PgAuditTrail> _logger;
    private readonly Alarms? _alarms;
    private readonly Lock _gate = new();
    private readonly Queue<HeldEntry> _held = new();
    private readonly ITimer _retry;
    private readonly long _lockKey;
    private readonly int _cap;
    private string? _failing;
    private long _lost;
    private DateTimeOffset _lostFirst, _lostLast;
    private bool _disposed;

    /// <param name="cap">The most entries held while the database is away (<see cref="QueueCap"/>; tests give less).</param>
    public PgAuditTrail(HaDatabase database, TimeProvider time, ILogger<PgAuditTrail> logger, Alarms? alarms = null, int cap = QueueCap)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cap);
        _cap = cap;
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        (_database, _time, _logger, _alarms) = (database, time, logger, alarms);
        _lockKey = LockKey(database.Site);
        _retry = time.CreateTimer(_ => Retry(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Where the trail is, as logs and alarms name it.</summary>
    public string Where => $"{_database.Options.Shown} (heatgrid_audit, site {_database.Site})";

    /// <summary>Entries recorded but not yet in the database.</summary>
    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Entries dropped since the last <c>audit.lost</c> (the queue was full).</summary>
    public long Lost
    {
        get
        {
            lock (_gate)
            {
                return _lost;
            }
        }
    }

    /// <summary>The advisory lock key under which a site's appends run: the first 8 bytes of SHA-256 over "heatgrid.audit:" and the site's name.</summary>
    public static long LockKey(string site) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("heatgrid.audit:" + site)), 0);

    public long? Record(AuditActor actor, string what, object? before, object? after, string? why)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrEmpty(what);
        var entry = new HeldEntry(_time.GetUtcNow(), actor, what, AuditChain.Value(before), AuditChain.Value(after), why);
        lock (_gate)
        {
            if (_held.Count >= _cap)
            {
                if (_lost++ == 0)
                {
                    _lostFirst = entry.At;
                }

                _lostLast = entry.At;
                Log.AuditPgDropped(_logger, what, Where, _cap, _lost);
                _alarms?.Raise(AuditLog.WriteAlarmKey, string.Create(CultureInfo.InvariantCulture,
                    $"audit entry {what} dropped: {_cap} entries are held already while {Where} cannot be written ({_failing}); {_lost} dropped"), AlarmSeverity.Critical);
                return null;
            }

            NoteLost();
            _held.Enqueue(entry);
            if (_failing is not null || _disposed)
            {
                // The database was away at the last try: the caller does not wait on it; the timer tries again.
                return Failed(entry, _failing ?? "the service is stopping", retrying: false);
            }

            return Drain(entry);
        }
    }

    public IReadOnlyList<JsonElement> Latest(int limit, long since)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        try
        {
            return _database.Run(connection =>
            {
                using var command = new NpgsqlCommand("SELECT line FROM heatgrid_audit WHERE site = @site AND seq > @since ORDER BY seq DESC LIMIT @limit", connection);
                command.Parameters.AddWithValue("site", _database.Site);
                command.Parameters.AddWithValue("since", since);
                command.Parameters.AddWithValue("limit", Math.Min(limit, AuditLog.MaxLimit));
                using var reader = command.ExecuteReader();
                var entries = new List<JsonElement>();
                while (reader.Read())
                {
                    try
                    {
                        using var document = JsonDocument.Parse(reader.GetString(0));
                        entries.Add(document.RootElement.Clone());
                    }
                    catch (JsonException)
                    {
                        // An edited row that is no longer JSON: heatgrid audit verify names it; the others are shown.
                    }
                }

                return entries;
            });
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new IOException($"the audit trail in {Where} cannot be read: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_held.Count > 0)
            {
                // One last try: the database may answer again by now.
                Drain(null);
            }

            _disposed = true;
            if (_held.Count > 0)
            {
                Log.AuditPgHeldAtStop(_logger, _held.Count, Where);
            }
        }

        _retry.Dispose();
    }

    /// <summary>Checks the site's chain in the database as <c>heatgrid audit verify</c> checks the file: each row's line
    /// (<see cref="AuditChain.Check"/>) in seq order, then the last against the head row. One snapshot: appends meanwhile are not seen.</summary>
    /// <exception cref="NpgsqlException">The database refused or cannot be reached.</exception>
    public static AuditVerification Verify(HaDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.Run(connection =>
        {
            using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
            AuditHead? head = null;
            using (var command = new NpgsqlCommand("SELECT seq, hash FROM heatgrid_audit_head WHERE site = @site", connection, transaction))
            {
                command.Parameters.AddWithValue("site", database.Site);
                using var reader = command.ExecuteReader();
                if (reader.Read())
                {
                    head = new AuditHead(reader.GetInt64(0), reader.GetString(1));
                }
            }

            var (seq, prev, row) = (0L, AuditChain.Genesis, 0);
            string? headHash = null;
            using (var command = new NpgsqlCommand("SELECT seq, line FROM heatgrid_audit WHERE site = @site ORDER BY seq", connection, transaction))
            {
                command.Parameters.AddWithValue("site", database.Site);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    row++;
                    var (key, line) = (reader.GetInt64(0), reader.GetString(1));
                    if (AuditChain.Check(line, seq + 1, prev, out var s, out var hash) is { } problem)
                    {
                        return new AuditVerification(seq, row, problem, null);
                    }

                    if (s != key)
                    {
                        return new AuditVerification(seq, row, string.Create(CultureInfo.InvariantCulture,
                            $"the row keyed seq {key} holds entry {s}: the table was edited"), null);
                    }

                    (seq, prev) = (s, hash!);
                    if (head is not null && seq == head.Seq)
                    {
                        headHash = hash;
                    }
                }
            }

            if (row == 0 && head is null)
            {
                return new AuditVerification(0, null, $"no audit trail for site {database.Site} in {database.Options.Shown}: give the site's name as the controllers have it", null);
            }

            if (head is null)
            {
                return new AuditVerification(seq, null, null, "no head row: rows removed from the end of the chain cannot be told");
            }

            if (head.Seq > seq)
            {
                return new AuditVerification(seq, row + 1, string.Create(CultureInfo.InvariantCulture,
                    $"the chain ends at seq {seq} but the head records seq {head.Seq}: {head.Seq - seq} row(s) were removed from its end"), null);
            }

            return headHash != head.Hash
                ? new AuditVerification(seq, (int)head.Seq, string.Create(CultureInfo.InvariantCulture,
                    $"the head records another hash for seq {head.Seq}: the chain was rewritten from there"), null)
                : new AuditVerification(seq, null, null, head.Seq < seq
                    ? string.Create(CultureInfo.InvariantCulture, $"the head lags at seq {head.Seq}")
                    : null);
        });
    }

    /// <summary>Writes the held entries, oldest first, <see cref="Batch"/> to a transaction; the seq of <paramref name="wanted"/> once it is written.</summary>
    private long? Drain(HeldEntry? wanted)
    {
        long? written = null;
        var count = 0;
        while (_held.Count > 0)
        {
            var batch = _held.Take(Batch).ToList();
            List<long> seqs;
            try
            {
                seqs = _database.Run(connection => Append(connection, batch));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or InvalidOperationException or ObjectDisposedException)
            {
                return Failed(_held.Peek(), e.Message, retrying: wanted is null);
            }

            for (var i = 0; i < batch.Count; i++)
            {
                var entry = _held.Dequeue();
                Log.AuditRecorded(_logger, seqs[i], entry.What, entry.Actor.Who, entry.Actor.From);
                if (ReferenceEquals(entry, wanted))
                {
                    written = seqs[i];
                }
            }

            count += batch.Count;
            NoteLost();
        }

        if (_failing is not null)
        {
            _failing = null;
            Log.AuditPgWritesAgain(_logger, Where, count);
        }

        return written;
    }

    /// <summary>One transaction: the site's lock, the chain's end, the entries, the head.</summary>
    private List<long> Append(NpgsqlConnection connection, List<HeldEntry> entries)
    {
        using var transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", _lockKey);
            command.ExecuteNonQuery();
        }

        var (seq, prev) = (0L, AuditChain.Genesis);
        using (var command = new NpgsqlCommand("SELECT seq, hash FROM heatgrid_audit WHERE site = @site ORDER BY seq DESC LIMIT 1", connection, transaction))
        {
            command.Parameters.AddWithValue("site", _database.Site);
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                (seq, prev) = (reader.GetInt64(0), reader.GetString(1));
            }
        }

        AuditHead? head = null;
        using (var command = new NpgsqlCommand("SELECT seq, hash FROM heatgrid_audit_head WHERE site = @site", connection, transaction))
        {
            command.Parameters.AddWithValue("site", _database.Site);
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                head = new AuditHead(reader.GetInt64(0), reader.GetString(1));
            }
        }

        void Insert(DateTimeOffset at, AuditActor actor, string what, JsonElement? before, JsonElement? after, string? why)
        {
            var (line, hash) = AuditChain.Line(seq + 1, at, actor, what, before, after, why, prev);
            using var command = new NpgsqlCommand("INSERT INTO heatgrid_audit (site, seq, at, what, line, hash) VALUES (@site, @seq, @at, @what, @line, @hash)",
                connection, transaction);
            command.Parameters.AddWithValue("site", _database.Site);
            command.Parameters.AddWithValue("seq", seq + 1);
            command.Parameters.AddWithValue("at", at.ToUniversalTime());
            command.Parameters.AddWithValue("what", what);
            command.Parameters.AddWithValue("line", line);
            command.Parameters.AddWithValue("hash", hash);
            command.ExecuteNonQuery();
            (seq, prev) = (seq + 1, hash);
        }

        if (head is { } h && (h.Seq != seq || h.Hash != prev))
        {
            // Rows removed from the end (or the head edited): the chain goes on from its last row, and says so first.
            Log.AuditPgTailMissing(_logger, Where, seq, h.Seq);
            _alarms?.Hold(AuditLog.ChainAlarmKey, string.Create(CultureInfo.InvariantCulture,
                $"audit trail {Where} ends at seq {seq} but its head records seq {h.Seq}: rows were removed from its end"), AlarmSeverity.Critical);
            Insert(_time.GetUtcNow(), AuditActor.Controller, "audit.tailMissing", AuditChain.Value(new { seq = h.Seq, hash = h.Hash }),
                AuditChain.Value(new { seq, hash = prev }),
                string.Create(CultureInfo.InvariantCulture, $"the head recorded seq {h.Seq}, the table ended at seq {seq}: rows were removed from its end"));
        }

        var seqs = new List<long>(entries.Count);
        foreach (var e in entries)
        {
            Insert(e.At, e.Actor, e.What, e.Before, e.After, e.Why);
            seqs.Add(seq);
        }

        using (var command = new NpgsqlCommand("""
            INSERT INTO heatgrid_audit_head (site, seq, hash) VALUES (@site, @seq, @hash)
            ON CONFLICT (site) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("site", _database.Site);
            command.Parameters.AddWithValue("seq", seq);
            command.Parameters.AddWithValue("hash", prev);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        return seqs;
    }

    /// <summary>Notes a failed write; <paramref name="retrying"/>: the timer's try, logged only when the reason changes (no flood while the database is away).</summary>
    private long? Failed(HeldEntry entry, string reason, bool retrying)
    {
        var first = _failing is null;
        if (!retrying || reason != _failing)
        {
            Log.AuditPgWriteFailed(_logger, entry.What, Where, reason, _held.Count, _cap);
        }

        _failing = reason;
        _alarms?.Raise(AuditLog.WriteAlarmKey, string.Create(CultureInfo.InvariantCulture,
            $"audit entry {entry.What} could not be written to {Where}: {reason}; {_held.Count} held in memory (at most {_cap}), written when it answers"),
            AlarmSeverity.Critical);
        if (first && !_disposed)
        {
            _retry.Change(RetryEvery, RetryEvery);
        }

        return null;
    }

    private void Retry()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_held.Count == 0)
            {
                _retry.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }

            NoteLost();
            Drain(null);
            if (_failing is null)
            {
                _retry.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Once there is room again after entries were dropped, an entry saying how many, queued where they would have been.</summary>
    private void NoteLost()
    {
        if (_lost == 0 || _held.Count >= _cap)
        {
            return;
        }

        _held.Enqueue(new HeldEntry(_time.GetUtcNow(), AuditActor.Controller, "audit.lost", null,
            AuditChain.Value(new { entries = _lost, first = _lostFirst, last = _lostLast }),
            string.Create(CultureInfo.InvariantCulture, $"{_lost} audit entries were dropped: {_cap} were held already while the database could not be written")));
        _lost = 0;
    }

    private sealed record HeldEntry(DateTimeOffset At, AuditActor Actor, string What, JsonElement? Before, JsonElement? After, string? Why);
}
