using System.Text.Json;
using Energy.Scheduler.Books;
using Npgsql;
using NpgsqlTypes;

namespace Energy.Scheduler.Ha;

/// <summary>
/// The energy ledger in the database the site's controllers share (<c>--ha</c>, migration 6): closed slots
/// (<c>heatgrid_ledger_slots</c>, the slot's JSON, written once), the slot in progress (<c>heatgrid_ledger_open</c>), the
/// proof-of-useful-work tickets and batches. The recorder and the PoUW books are the same as over the embedded
/// <see cref="LedgerStore"/>; only where the rows land differs.
/// <para>
/// <b>Only the leader books, fenced by the epoch.</b> Every write runs in a transaction that first reads the site's lease
/// row <c>FOR SHARE</c> and goes on only while it names this controller's epoch (<see cref="_epoch"/>). A takeover updates
/// that row, which waits for a write in flight and makes every later one of the old leader fail: so a deposed leader's
/// late slot or checkpoint can land before the new leader reads the checkpoint, never after it. A fenced write is a
/// <see cref="LedgerWriteException"/> with <see cref="LedgerWriteException.Fenced"/> set; nothing of it is kept.
/// <c>idle_in_transaction_session_timeout</c> frees the row lock of a client that died in the middle of a write, so it
/// cannot hold a takeover back for more than <see cref="StuckWriteTimeout"/>.
/// </para>
/// </summary>
public sealed class PgLedgerStore : ILedgerStore
{
    /// <summary>A write transaction left open longer than this by a client that went away is ended by the server.</summary>
    public static readonly TimeSpan StuckWriteTimeout = TimeSpan.FromSeconds(2);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HaDatabase _database;
    private readonly Func<long> _epoch;

    /// <param name="database">The shared database, migrated.</param>
    /// <param name="epoch">The epoch this controller leads with, or 0 while it does not lead (then every write is refused).
    /// Null: unfenced (a tool that is not a controller, such as a test or a migration).</param>
    public PgLedgerStore(HaDatabase database, Func<long>? epoch)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _epoch = epoch ?? (() => -1);
    }

    public string Path => $"{_database.Options.Shown} heatgrid_ledger_* (site '{_database.Site}')";

    /// <summary>The migrations ran when the database was opened (<see cref="HaDatabase.MigrateAsync"/>), not here.</summary>
    public int MigrationsRun => 0;

    /// <summary>The newest schema step of the shared database this build knows (the ledger's is 6).</summary>
    public int SchemaVersion => HaMigrations.All.Max(m => m.Version);

    public LedgerInfo? Info => Read(c =>
    {
        using var q = Command(c, "SELECT site, time_zone, currency FROM heatgrid_ledger_info WHERE site = @site");
        using var r = q.ExecuteReader();
        return r.Read() ? new LedgerInfo(r.GetString(0), r.GetString(1), r.GetString(2)) : null;
    });

    public void WriteInfo(LedgerInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Write((c, tx) =>
        {
            using var q = Command(c, """
                INSERT INTO heatgrid_ledger_info (site, time_zone, currency) VALUES (@site, @zone, @currency)
                ON CONFLICT (site) DO UPDATE SET time_zone = excluded.time_zone, currency = excluded.currency
                """, tx);
            q.Parameters.AddWithValue("zone", info.TimeZoneId);
            q.Parameters.AddWithValue("currency", info.Currency);
            return q.ExecuteNonQuery();
        });
    }

    public long SlotCount() => Read(c =>
    {
        using var q = Command(c, "SELECT count(*) FROM heatgrid_ledger_slots WHERE site = @site");
        return (long)q.ExecuteScalar()!;
    });

    public int Commit(IReadOnlyList<LedgerSlot> closed, LedgerCheckpoint? checkpoint, LedgerSlot? inProgress, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(closed);
        return Write((c, tx) =>
        {
            var written = 0;
            if (closed.Count > 0)
            {
                using var q = Command(c, """
                    INSERT INTO heatgrid_ledger_slots (site, start_ms, end_ms, slot) VALUES (@site, @start, @end, @slot)
                    ON CONFLICT (site, start_ms) DO NOTHING
                    """, tx);
                var start = q.Parameters.Add("start", NpgsqlDbType.Bigint);
                var end = q.Parameters.Add("end", NpgsqlDbType.Bigint);
                var slot = q.Parameters.Add("slot", NpgsqlDbType.Jsonb);
                foreach (var s in closed)
                {
                    (start.Value, end.Value, slot.Value) = (s.Start.ToUnixTimeMilliseconds(), s.End.ToUnixTimeMilliseconds(), JsonSerializer.Serialize(s, Json));
                    written += q.ExecuteNonQuery();   // 0 for a slot written before: a replay
                }
            }

            if (checkpoint is null || inProgress is null)
            {
                using var q = Command(c, "DELETE FROM heatgrid_ledger_open WHERE site = @site", tx);
                q.ExecuteNonQuery();
            }
            else
            {
                using var q = Command(c, """
                    INSERT INTO heatgrid_ledger_open (site, start_ms, end_ms, saved_ms, state, slot) VALUES (@site, @start, @end, @saved, @state, @slot)
                    ON CONFLICT (site) DO UPDATE SET start_ms = excluded.start_ms, end_ms = excluded.end_ms, saved_ms = excluded.saved_ms,
                        state = excluded.state, slot = excluded.slot
                    """, tx);
                q.Parameters.AddWithValue("start", checkpoint.Slot.Start.ToUnixTimeMilliseconds());
                q.Parameters.AddWithValue("end", checkpoint.Slot.End.ToUnixTimeMilliseconds());
                q.Parameters.AddWithValue("saved", now.ToUnixTimeMilliseconds());
                q.Parameters.AddWithValue("state", JsonSerializer.Serialize(checkpoint, Json));
                q.Parameters.AddWithValue("slot", JsonSerializer.Serialize(inProgress, Json));
                q.ExecuteNonQuery();
            }

            return written;
        });
    }

    public LedgerCheckpoint? ReadCheckpoint() => Read(c =>
    {
        using var q = Command(c, "SELECT state FROM heatgrid_ledger_open WHERE site = @site");
        return q.ExecuteScalar() is string json ? JsonSerializer.Deserialize<LedgerCheckpoint>(json, Json) : null;
    });

    public DateTimeOffset? CheckpointSavedAt() => Read(c =>
    {
        using var q = Command(c, "SELECT saved_ms FROM heatgrid_ledger_open WHERE site = @site");
        return q.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
    });

    public IReadOnlyList<LedgerSlot> Read(DateTimeOffset since, DateTimeOffset until) => Read(c =>
    {
        // One snapshot: the closed slots and the open one of the same moment.
        using var tx = c.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        var (from, to) = (since.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds());
        var slots = new List<LedgerSlot>();
        using (var q = Command(c, "SELECT slot::text FROM heatgrid_ledger_slots WHERE site = @site AND start_ms >= @from AND start_ms < @to ORDER BY start_ms", tx))
        {
            q.Parameters.AddWithValue("from", from);
            q.Parameters.AddWithValue("to", to);
            using var r = q.ExecuteReader();
            while (r.Read())
            {
                slots.Add(JsonSerializer.Deserialize<LedgerSlot>(r.GetString(0), Json)
                    ?? throw new InvalidDataException($"{Path}: a slot row holds no slot"));
            }
        }

        using (var q = Command(c, "SELECT slot FROM heatgrid_ledger_open WHERE site = @site AND start_ms >= @from AND start_ms < @to", tx))
        {
            q.Parameters.AddWithValue("from", from);
            q.Parameters.AddWithValue("to", to);
            if (q.ExecuteScalar() is string json && JsonSerializer.Deserialize<LedgerSlot>(json, Json) is { Closed: false } open
                && !slots.Any(s => s.Start == open.Start))
            {
                slots.Add(open);
            }
        }

        tx.Commit();
        return (IReadOnlyList<LedgerSlot>)slots;
    });

    public bool RecordPouw(PouwLedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Write((c, tx) =>
        {
            using var q = Command(c, """
                INSERT INTO heatgrid_pouw_tickets (site, at_ms, tenant, job, sequence, ticket_id, outcome, detail, work_units, value, currency)
                VALUES (@site, @at, @tenant, @job, @sequence, @ticket, @outcome, @detail, @units, @value, @currency)
                ON CONFLICT DO NOTHING
                """, tx);
            q.Parameters.AddWithValue("at", entry.At.ToUnixTimeMilliseconds());
            q.Parameters.AddWithValue("tenant", entry.Tenant);
            q.Parameters.AddWithValue("job", entry.Job);
            q.Parameters.AddWithValue("sequence", entry.Sequence);
            q.Parameters.AddWithValue("ticket", entry.TicketId);
            q.Parameters.AddWithValue("outcome", entry.Outcome);
            q.Parameters.AddWithValue("detail", entry.Detail);
            q.Parameters.AddWithValue("units", entry.WorkUnits);
            q.Parameters.AddWithValue("value", entry.Value);
            q.Parameters.AddWithValue("currency", entry.Currency);
            return q.ExecuteNonQuery() == 1;
        });
    }

    public void RecordPouwBatch(DateTimeOffset at, string tenant, string job, string rootHex) => RecordPouwBatches(at, tenant, job, [rootHex]);

    public void RecordPouwBatches(DateTimeOffset at, string tenant, string job, IReadOnlyList<string> rootsHex)
    {
        ArgumentNullException.ThrowIfNull(rootsHex);
        Write((c, tx) =>
        {
            using var q = Command(c, """
                INSERT INTO heatgrid_pouw_batches (site, at_ms, tenant, job, root) VALUES (@site, @at, @tenant, @job, @root)
                ON CONFLICT DO NOTHING
                """, tx);
            q.Parameters.AddWithValue("at", at.ToUnixTimeMilliseconds());
            q.Parameters.AddWithValue("tenant", tenant);
            q.Parameters.AddWithValue("job", job);
            var root = q.Parameters.Add("root", NpgsqlDbType.Text);
            foreach (var r in rootsHex)
            {
                root.Value = r;
                q.ExecuteNonQuery();
            }

            return rootsHex.Count;
        });
    }

    public IReadOnlyList<(string Tenant, string Job, string Root)> ReadPouwBatches(int limit) => Read(c =>
    {
        using var q = Command(c, """
            SELECT tenant, job, root FROM (
                SELECT tenant, job, root, id, row_number() OVER (PARTITION BY tenant, job ORDER BY id DESC) AS newest
                FROM heatgrid_pouw_batches WHERE site = @site) b
            WHERE newest <= @limit ORDER BY id
            """);
        q.Parameters.AddWithValue("limit", (long)limit);
        using var r = q.ExecuteReader();
        var batches = new List<(string, string, string)>();
        while (r.Read())
        {
            batches.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        }

        return (IReadOnlyList<(string, string, string)>)batches;
    });

    public bool IsPouwAccepted(string ticketId) => Read(c =>
    {
        using var q = Command(c, "SELECT EXISTS (SELECT 1 FROM heatgrid_pouw_tickets WHERE site = @site AND ticket_id = @ticket AND outcome = 'accepted')");
        q.Parameters.AddWithValue("ticket", ticketId);
        return (bool)q.ExecuteScalar()!;
    });

    public IReadOnlyList<PouwLedgerEntry> ReadPouw(DateTimeOffset since, DateTimeOffset until) => Read(c =>
    {
        using var q = Command(c, """
            SELECT at_ms, tenant, job, sequence, ticket_id, outcome, detail, work_units, value, currency FROM heatgrid_pouw_tickets
            WHERE site = @site AND at_ms >= @from AND at_ms < @to ORDER BY id
            """);
        q.Parameters.AddWithValue("from", since.ToUnixTimeMilliseconds());
        q.Parameters.AddWithValue("to", until.ToUnixTimeMilliseconds());
        using var r = q.ExecuteReader();
        var entries = new List<PouwLedgerEntry>();
        while (r.Read())
        {
            entries.Add(new PouwLedgerEntry(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), r.GetString(1), r.GetString(2), r.GetInt64(3),
                r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt64(7), r.GetDouble(8), r.GetString(9)));
        }

        return (IReadOnlyList<PouwLedgerEntry>)entries;
    });

    public IReadOnlyList<PouwLedgerTotal> PouwTotals() => Read(c =>
    {
        using var q = Command(c, """
            SELECT tenant, outcome, count(*), sum(work_units)::bigint, sum(value) FROM heatgrid_pouw_tickets
            WHERE site = @site GROUP BY tenant, outcome ORDER BY tenant, outcome
            """);
        using var r = q.ExecuteReader();
        var totals = new List<PouwLedgerTotal>();
        while (r.Read())
        {
            totals.Add(new PouwLedgerTotal(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetDouble(4)));
        }

        return (IReadOnlyList<PouwLedgerTotal>)totals;
    });

    /// <summary>The data source belongs to <see cref="HaDatabase"/>; nothing of the store's own to free.</summary>
    public void Dispose()
    {
    }

    private NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("site", _database.Site);
        return command;
    }

    /// <exception cref="HaUnavailableException">The database cannot be read now.</exception>
    private T Read<T>(Func<NpgsqlConnection, T> read)
    {
        try
        {
            return _database.Run(read);
        }
        catch (NpgsqlException e)
        {
            throw new HaUnavailableException($"the energy ledger ({Path}) cannot be read now: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="write"/> in a transaction that goes on only while the lease names this controller's epoch.</summary>
    /// <exception cref="LedgerWriteException">Fenced (another controller leads), or the database refused or could not take it.</exception>
    private T Write<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> write)
    {
        var epoch = _epoch();
        try
        {
            return _database.Run(c =>
            {
                using var tx = c.BeginTransaction();
                using (var guard = new NpgsqlCommand(
                    $"SET LOCAL idle_in_transaction_session_timeout = {(int)StuckWriteTimeout.TotalMilliseconds}; SET LOCAL lock_timeout = {(int)StuckWriteTimeout.TotalMilliseconds}",
                    c, tx))
                {
                    guard.ExecuteNonQuery();
                }

                if (epoch >= 0)
                {
                    using var fence = Command(c, "SELECT epoch FROM heatgrid_leader WHERE site = @site AND NOT released FOR SHARE", tx);
                    var leading = fence.ExecuteScalar() as long?;
                    if (leading != epoch)
                    {
                        tx.Rollback();
                        throw new LedgerWriteException(epoch == 0
                            ? "this controller does not lead: the leader keeps the books"
                            : $"this controller's epoch {epoch} no longer leads ({(leading is { } l ? $"epoch {l} does" : "no lease is held")}): the leader keeps the books")
                        {
                            Fenced = true,
                        };
                    }
                }

                var result = write(c, tx);
                tx.Commit();
                return result;
            });
        }
        catch (NpgsqlException e)
        {
            throw new LedgerWriteException($"the energy ledger ({Path}) could not be written: {e.Message}", e);
        }
    }
}
