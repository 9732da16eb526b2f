using Energy.Contracts.Agents.Protocol;
using Energy.Scheduler.Controller.DemandResponse;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Energy.Scheduler.Ha;

/// <summary>
/// Demand-response evidence in the shared database (<c>--ha</c>), table <c>heatgrid_dr_events</c>: one row per event
/// (site, node, id), so a new leader's <c>/api/dr/events</c> shows what was recorded under the old one.
/// <para>
/// Both controllers hear the agents' reports on the broker, so both write, and an event is recorded first when commanded
/// and again once its power was observed down. The write is an upsert that keeps the more complete record whatever the
/// order the two controllers' writes arrive in (<see cref="DemandResponseRecords.Supersedes"/>, the same rule in SQL): an
/// observed record replaces a commanded one, the earlier of two observations wins, and a commanded record never replaces
/// a row, so a late or repeated one (a retry, the other controller's copy) changes nothing. The row's <c>seq</c> is set
/// when the event is first inserted and never updated: the read-back's order is the order events were first recorded.
/// </para>
/// <para>
/// A write the database refuses is held in memory (the latest record per event, at most <see cref="HeldCap"/> events) and
/// thrown as an <see cref="IOException"/> for the log to alarm on. While events are held, a new record goes behind them
/// without waiting on the database (the MQTT ingest path never stalls on it); a timer tries again every
/// <see cref="RetryEvery"/> and, once the database answers, writes them all (idempotent, so nothing is doubled) and raises
/// <see cref="CaughtUp"/>.
/// </para>
/// </summary>
public sealed class PgDemandResponseEvents : IDemandResponseStore, IDisposable
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    /// <summary>Events held while the database is away, at most (the log's own memory).</summary>
    public const int HeldCap = DemandResponseLog.Kept;

    private const string Upsert = """
        INSERT INTO heatgrid_dr_events (site, node, id, kind, commanded_at, observed_at, body)
        VALUES (@site, @node, @id, @kind, @commanded, @observed, @body)
        ON CONFLICT (site, node, id) DO UPDATE
            SET kind = excluded.kind, commanded_at = excluded.commanded_at, observed_at = excluded.observed_at,
                body = excluded.body, updated_at = clock_timestamp()
            WHERE (heatgrid_dr_events.observed_at IS NULL AND excluded.observed_at IS NOT NULL)
               OR excluded.observed_at < heatgrid_dr_events.observed_at
        """;

    private readonly HaDatabase _database;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Node, string Id), DemandResponseEvent> _held = [];
    private readonly Queue<(string Node, string Id)> _heldOrder = new();
    private readonly ITimer _retry;
    private string? _failing;
    private long _dropped;
    private bool _disposed;

    public PgDemandResponseEvents(HaDatabase database, TimeProvider time, ILogger<PgDemandResponseEvents> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _database = database;
        _logger = logger;
        _retry = time.CreateTimer(_ => Retry(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Where => $"{_database.Options.Shown} heatgrid_dr_events (site {_database.Site})";

    public event Action? CaughtUp;

    /// <summary>Events not written yet (the database refused them); written by the retry.</summary>
    public int Held
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    public (IReadOnlyList<DemandResponseEvent> Events, int Unreadable) ReadBack(int count)
    {
        try
        {
            return _database.Run(connection =>
            {
                using var command = new NpgsqlCommand("""
                    SELECT body::text FROM (
                        SELECT seq, body FROM heatgrid_dr_events WHERE site = @site ORDER BY seq DESC LIMIT @count) newest
                    ORDER BY seq
                    """, connection);
                command.Parameters.AddWithValue("site", _database.Site);
                command.Parameters.AddWithValue("count", count);
                using var reader = command.ExecuteReader();
                var events = new List<DemandResponseEvent>();
                var unreadable = 0;
                while (reader.Read())
                {
                    if (AgentJson.TryRead<DemandResponseEvent>(System.Text.Encoding.UTF8.GetBytes(reader.GetString(0)), out var e, out _))
                    {
                        events.Add(e);
                    }
                    else
                    {
                        unreadable++;
                    }
                }

                return ((IReadOnlyList<DemandResponseEvent>)events, unreadable);
            });
        }
        catch (NpgsqlException e)
        {
            throw new HaUnavailableException($"{Where} cannot be read: {e.Message}", e);
        }
    }

    public void Write(DemandResponseEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_lock)
        {
            Hold(e);
            if (_failing is not null)
            {
                // The database was away at the last try: the caller does not wait on it; the timer tries again.
                throw new HaUnavailableException(_failing);
            }

            if (Drain() is { } reason)
            {
                throw new HaUnavailableException(reason);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_held.Count > 0)
            {
                Log.DemandResponseHeldAtStop(_logger, _held.Count, Where);
            }
        }

        _retry.Dispose();
    }

    /// <summary>Keeps the record to write, merged with one held already by the same rule as the database's.</summary>
    private void Hold(DemandResponseEvent e)
    {
        var key = (e.Node, e.Id);
        if (_held.TryGetValue(key, out var held))
        {
            if (DemandResponseRecords.Supersedes(held, e))
            {
                _held[key] = e;
            }

            return;
        }

        _held[key] = e;
        _heldOrder.Enqueue(key);
        while (_held.Count > HeldCap && _heldOrder.TryDequeue(out var oldest))
        {
            if (_held.Remove(oldest))
            {
                _dropped++;
                Log.DemandResponseHeldDropped(_logger, oldest.Node, oldest.Id, Where, HeldCap, _dropped);
            }
        }
    }

    /// <summary>Writes every held event in one transaction; null when written, else why not (they stay held, the timer runs). The
    /// reason is the database's own message, the same on every try while it stays away (the log reports a change of reason only).</summary>
    private string? Drain()
    {
        if (_held.Count == 0)
        {
            return null;
        }

        var events = _heldOrder.Where(_held.ContainsKey).Select(k => _held[k]).ToList();
        try
        {
            _database.Run(connection =>
            {
                using var transaction = connection.BeginTransaction();
                using var batch = new NpgsqlBatch(connection, transaction);
                foreach (var e in events)
                {
                    var command = new NpgsqlBatchCommand(Upsert);
                    command.Parameters.AddWithValue("site", _database.Site);
                    command.Parameters.AddWithValue("node", e.Node);
                    command.Parameters.AddWithValue("id", e.Id);
                    command.Parameters.AddWithValue("kind", e.Kind);
                    command.Parameters.AddWithValue("commanded", e.CommandedAt.ToUniversalTime());
                    command.Parameters.Add(new NpgsqlParameter("observed", NpgsqlDbType.TimestampTz) { Value = e.PowerObservedAt is { } at ? at.ToUniversalTime() : DBNull.Value });
                    command.Parameters.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = AgentJson.SerializeToString(e) });
                    batch.BatchCommands.Add(command);
                }

                batch.ExecuteNonQuery();
                transaction.Commit();
                return events.Count;
            });
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            _failing = ex.Message;
            _retry.Change(RetryEvery, RetryEvery);
            return ex.Message;
        }

        _held.Clear();
        _heldOrder.Clear();
        _failing = null;
        _retry.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return null;
    }

    private void Retry()
    {
        bool caughtUp;
        lock (_lock)
        {
            if (_disposed || _failing is null)
            {
                return;
            }

            caughtUp = Drain() is null;
        }

        if (caughtUp)
        {
            Log.DemandResponseHeldWritten(_logger, Where);
            CaughtUp?.Invoke();
        }
    }
}
