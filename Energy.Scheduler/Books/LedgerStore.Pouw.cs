using Microsoft.Data.Sqlite;

namespace Energy.Scheduler.Books;

/// <summary>The proof ledger's table (<c>pouw_tickets</c>, migration v4): every submitted ticket, fsynced like the slots.</summary>
public sealed partial class LedgerStore
{
    /// <summary>
    /// Appends one ticket's entry. An accepted entry whose ticket id was accepted before is not written: false (the caller
    /// records it as a duplicate). The check and the write are one statement, so two submissions of one ticket cannot both be accepted.
    /// </summary>
    public bool RecordPouw(PouwLedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            using var q = _writer.CreateCommand();
            q.CommandText = """
                INSERT INTO pouw_tickets (at_ms, tenant, job, sequence, ticket_id, outcome, detail, work_units, value, currency)
                VALUES ($at, $tenant, $job, $sequence, $ticket, $outcome, $detail, $units, $value, $currency)
                ON CONFLICT DO NOTHING
                """;
            Add(q, ("$at", entry.At.ToUnixTimeMilliseconds()), ("$tenant", entry.Tenant), ("$job", entry.Job), ("$sequence", entry.Sequence),
                ("$ticket", entry.TicketId), ("$outcome", entry.Outcome), ("$detail", entry.Detail), ("$units", entry.WorkUnits), ("$value", entry.Value),
                ("$currency", entry.Currency));
            return q.ExecuteNonQuery() == 1;
        }
    }

    /// <summary>Records one logged request batch of a PoUW job (its activations root, hex); a root logged before is kept once.</summary>
    public void RecordPouwBatch(DateTimeOffset at, string tenant, string job, string rootHex) => RecordPouwBatches(at, tenant, job, [rootHex]);

    /// <summary>Records several logged batches in one transaction (all or none).</summary>
    public void RecordPouwBatches(DateTimeOffset at, string tenant, string job, IReadOnlyList<string> rootsHex)
    {
        ArgumentNullException.ThrowIfNull(rootsHex);
        lock (_gate)
        {
            using var tx = _writer.BeginTransaction();
            using var q = _writer.CreateCommand();
            q.Transaction = tx;
            q.CommandText = "INSERT INTO pouw_batches (at_ms, tenant, job, root) VALUES ($at, $tenant, $job, $root) ON CONFLICT DO NOTHING";
            var root = q.Parameters.Add("$root", SqliteType.Text);
            q.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            q.Parameters.AddWithValue("$tenant", tenant);
            q.Parameters.AddWithValue("$job", job);
            foreach (var r in rootsHex)
            {
                root.Value = r;
                q.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    /// <summary>The newest <paramref name="limit"/> batches logged per job, oldest first within each job.</summary>
    public IReadOnlyList<(string Tenant, string Job, string Root)> ReadPouwBatches(int limit)
    {
        using var c = Reader();
        return ReadPouwBatches(c, limit);
    }

    /// <summary>
    /// The batches of a ledger file read only (no migration, no writer: for <c>heatgrid pouw verify --data</c> beside a running
    /// controller); none from a ledger older than the table.
    /// </summary>
    public static IReadOnlyList<(string Tenant, string Job, string Root)> ReadPouwBatchesReadOnly(string path, int limit)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var c = new SqliteConnection(connection);
        c.Open();
        using (var exists = c.CreateCommand())
        {
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'pouw_batches'";
            if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return [];
            }
        }

        return ReadPouwBatches(c, limit);
    }

    private static List<(string Tenant, string Job, string Root)> ReadPouwBatches(SqliteConnection c, int limit)
    {
        using var q = c.CreateCommand();
        q.CommandText = """
            SELECT tenant, job, root FROM (
                SELECT tenant, job, root, id, row_number() OVER (PARTITION BY tenant, job ORDER BY id DESC) AS newest FROM pouw_batches)
            WHERE newest <= $limit ORDER BY id
            """;
        q.Parameters.AddWithValue("$limit", limit);
        using var r = q.ExecuteReader();
        var batches = new List<(string, string, string)>();
        while (r.Read())
        {
            batches.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        }

        return batches;
    }

    /// <summary>True when a ticket with this id was accepted.</summary>
    public bool IsPouwAccepted(string ticketId)
    {
        using var c = Reader();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT count(*) FROM pouw_tickets WHERE ticket_id = $ticket AND outcome = 'accepted'";
        q.Parameters.AddWithValue("$ticket", ticketId);
        return Convert.ToInt64(q.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>The tickets recorded in [<paramref name="since"/>, <paramref name="until"/>), oldest first.</summary>
    public IReadOnlyList<PouwLedgerEntry> ReadPouw(DateTimeOffset since, DateTimeOffset until)
    {
        using var c = Reader();
        using var q = c.CreateCommand();
        q.CommandText = """
            SELECT at_ms, tenant, job, sequence, ticket_id, outcome, detail, work_units, value, currency FROM pouw_tickets
            WHERE at_ms >= $from AND at_ms < $to ORDER BY id
            """;
        q.Parameters.AddWithValue("$from", since.ToUnixTimeMilliseconds());
        q.Parameters.AddWithValue("$to", until.ToUnixTimeMilliseconds());
        using var r = q.ExecuteReader();
        var entries = new List<PouwLedgerEntry>();
        while (r.Read())
        {
            entries.Add(Entry(r));
        }

        return entries;
    }

    /// <summary>The proof ledger summed per tenant and outcome (all time): what <c>/api/pouw</c> shows.</summary>
    public IReadOnlyList<PouwLedgerTotal> PouwTotals()
    {
        using var c = Reader();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT tenant, outcome, count(*), sum(work_units), sum(value) FROM pouw_tickets GROUP BY tenant, outcome ORDER BY tenant, outcome";
        using var r = q.ExecuteReader();
        var totals = new List<PouwLedgerTotal>();
        while (r.Read())
        {
            totals.Add(new PouwLedgerTotal(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetDouble(4)));
        }

        return totals;
    }

    private static PouwLedgerEntry Entry(SqliteDataReader r) => new(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), r.GetString(1), r.GetString(2),
        r.GetInt64(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt64(7), r.GetDouble(8), r.GetString(9));
}
