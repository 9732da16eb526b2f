using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Energy.Scheduler.Books;

/// <summary>
/// The energy ledger on disk: an embedded SQLite database (<c>ledger.db</c> in the data folder) of closed slots with
/// their lines, and the checkpoint of the slot in progress. The journal is a rollback journal kept in place
/// (<c>journal_mode=TRUNCATE</c>), not WAL: WAL maps its <c>-shm</c> index into memory, and a write to that mapping
/// when the file cannot take it (made immutable, a full disk) kills the process with SIGBUS, where a journal write only
/// fails with an error the recorder reports. Readers (the API, <c>heatgrid report</c>) take a shared lock for the moment
/// of a read; the recorder's commit, every few seconds, waits for them (busy timeout 5 s). <c>synchronous=FULL</c>
/// fsyncs journal and database at every commit, so a committed slot survives SIGKILL and a power cut. A slot is
/// written once: its key is its start, and a replayed close does nothing.
/// </summary>
public sealed partial class LedgerStore : ILedgerStore
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "ledger.db";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SqliteConnection _writer;
    private readonly Lock _gate = new();
    private readonly string _connectionString;

    private LedgerStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        try
        {
            Execute(_writer, "PRAGMA journal_mode = TRUNCATE; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
            MigrationsRun = LedgerMigrations.Apply(_writer);
        }
        catch
        {
            _writer.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>Migrations applied by this open (0 for a database already current).</summary>
    public int MigrationsRun { get; }

    public int SchemaVersion
    {
        get
        {
            lock (_gate)
            {
                return LedgerMigrations.VersionOf(_writer);
            }
        }
    }

    /// <summary>Opens (creating and migrating where needed) the ledger of a data folder.</summary>
    /// <exception cref="SqliteException">The file is not a database, or is locked or unwritable.</exception>
    /// <exception cref="InvalidDataException">The file's schema is newer than this HeatGrid's.</exception>
    public static LedgerStore Open(string dataFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        Directory.CreateDirectory(dataFolder);
        return OpenFile(System.IO.Path.Combine(dataFolder, FileName));
    }

    /// <inheritdoc cref="Open"/>
    public static LedgerStore OpenFile(string path) => new(path);

    public LedgerInfo? Info
    {
        get
        {
            using var c = Reader();
            using var q = c.CreateCommand();
            q.CommandText = "SELECT site, time_zone, currency FROM info WHERE id = 1";
            using var r = q.ExecuteReader();
            return r.Read() ? new LedgerInfo(r.GetString(0), r.GetString(1), r.GetString(2)) : null;
        }
    }

    /// <summary>Says what the books are kept for (the latest site, zone and currency).</summary>
    public void WriteInfo(LedgerInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        lock (_gate)
        {
            using var q = _writer.CreateCommand();
            q.CommandText = """
                INSERT INTO info (id, site, time_zone, currency) VALUES (1, $site, $zone, $currency)
                ON CONFLICT (id) DO UPDATE SET site = excluded.site, time_zone = excluded.time_zone, currency = excluded.currency
                """;
            q.Parameters.AddWithValue("$site", info.Site);
            q.Parameters.AddWithValue("$zone", info.TimeZoneId);
            q.Parameters.AddWithValue("$currency", info.Currency);
            q.ExecuteNonQuery();
        }
    }

    /// <summary>Closed slots written.</summary>
    public long SlotCount()
    {
        using var c = Reader();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT count(*) FROM slots";
        return Convert.ToInt64(q.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Writes closed slots and the checkpoint that follows them in one transaction: after a crash either both are on disk
    /// or neither, so a slot is never lost between its close and the checkpoint. A slot already there (a replay) is left as
    /// it is; returns how many were new.
    /// </summary>
    public int Commit(IReadOnlyList<LedgerSlot> closed, LedgerCheckpoint? checkpoint, LedgerSlot? inProgress, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(closed);
        lock (_gate)
        {
            using var tx = _writer.BeginTransaction();
            var written = 0;
            foreach (var slot in closed)
            {
                written += InsertSlot(tx, slot) ? 1 : 0;
            }

            using (var q = _writer.CreateCommand())
            {
                q.Transaction = tx;
                if (checkpoint is null || inProgress is null)
                {
                    q.CommandText = "DELETE FROM open_slot";
                }
                else
                {
                    q.CommandText = """
                        INSERT INTO open_slot (id, start_ms, end_ms, saved_ms, state, slot) VALUES (1, $start, $end, $saved, $state, $slot)
                        ON CONFLICT (id) DO UPDATE SET start_ms = excluded.start_ms, end_ms = excluded.end_ms, saved_ms = excluded.saved_ms,
                            state = excluded.state, slot = excluded.slot
                        """;
                    q.Parameters.AddWithValue("$start", checkpoint.Slot.Start.ToUnixTimeMilliseconds());
                    q.Parameters.AddWithValue("$end", checkpoint.Slot.End.ToUnixTimeMilliseconds());
                    q.Parameters.AddWithValue("$saved", now.ToUnixTimeMilliseconds());
                    q.Parameters.AddWithValue("$state", JsonSerializer.Serialize(checkpoint, Json));
                    q.Parameters.AddWithValue("$slot", JsonSerializer.Serialize(inProgress, Json));
                }

                q.ExecuteNonQuery();
            }

            tx.Commit();
            return written;
        }
    }

    /// <summary>The checkpoint of the slot in progress, or null where there is none (or it cannot be read: then the recorder starts afresh).</summary>
    public LedgerCheckpoint? ReadCheckpoint()
    {
        using var c = Reader();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT state FROM open_slot WHERE id = 1";
        return q.ExecuteScalar() is string json ? JsonSerializer.Deserialize<LedgerCheckpoint>(json, Json) : null;
    }

    /// <summary>When the checkpoint was last saved; null without one.</summary>
    public DateTimeOffset? CheckpointSavedAt()
    {
        using var c = Reader();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT saved_ms FROM open_slot WHERE id = 1";
        return q.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public IReadOnlyList<LedgerSlot> Read(DateTimeOffset since, DateTimeOffset until)
    {
        using var c = Reader();
        using var tx = c.BeginTransaction(deferred: true);   // one snapshot: slots and lines of the same moment (a shared lock, not a write lock)
        var (from, to) = (since.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds());
        var workloads = Lines(c, tx, "SELECT slot_start_ms, name, kind, tenant, gpu_kwh, grid_kwh, gpu_hours, sla_gpu_minutes_owed, sla_gpu_minutes_delivered, revenue, energy_cost FROM workload_lines WHERE slot_start_ms >= $from AND slot_start_ms < $to ORDER BY rowid",
            from, to, r => new WorkloadLedgerLine(r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetDouble(4), r.GetDouble(5), r.GetDouble(6), r.GetDouble(7), r.GetDouble(8), r.GetDouble(9), r.GetDouble(10)));
        var gpus = Lines(c, tx, "SELECT slot_start_ms, gpu, pool, workload, kwh, seconds, counter_resets FROM gpu_lines WHERE slot_start_ms >= $from AND slot_start_ms < $to ORDER BY rowid",
            from, to, r => new GpuLedgerLine(r.GetString(1), r.GetString(2), r.GetString(3) is { Length: > 0 } w ? w : null, r.GetDouble(4), r.GetDouble(5), r.GetInt32(6)));
        var loops = Lines(c, tx, "SELECT slot_start_ms, loop, buyer, delivered_kwh, delivered_basis, supply_temperature_c, contract_supply_temperature_c, seconds_below_contract, revenue, boiler_kwh, boiler_fuel_cost, dumped_kwh, register_start_kwh, register_end_kwh FROM heat_loop_lines WHERE slot_start_ms >= $from AND slot_start_ms < $to ORDER BY rowid",
            from, to, r => new HeatLoopLedgerLine(r.GetString(1), r.GetString(2), r.GetDouble(3), Enum.Parse<EnergyBasis>(r.GetString(4)), r.IsDBNull(5) ? null : r.GetDouble(5), r.GetDouble(6), r.GetDouble(7), r.GetDouble(8), r.GetDouble(9), r.GetDouble(10), r.GetDouble(11))
            {
                RegisterStartKwh = Nullable(r, 12),
                RegisterEndKwh = Nullable(r, 13),
            });

        var slots = new List<LedgerSlot>();
        using (var q = c.CreateCommand())
        {
            q.Transaction = tx;
            q.CommandText = "SELECT * FROM slots WHERE start_ms >= $from AND start_ms < $to ORDER BY start_ms";
            q.Parameters.AddWithValue("$from", from);
            q.Parameters.AddWithValue("$to", to);
            using var r = q.ExecuteReader();
            while (r.Read())
            {
                var start = r.GetInt64(0);
                var site = new SiteLedgerLine(r.GetDouble(3), Enum.Parse<EnergyBasis>(r.GetString(4)), Nullable(r, 5), r.GetDouble(6), r.GetDouble(7), r.GetDouble(8), r.GetDouble(9),
                    Nullable(r, 10), Nullable(r, 11), Nullable(r, 12), r.GetDouble(13), Strings(r.GetString(14)), r.GetDouble(15))
                {
                    ImportRegisterStartKwh = Nullable(r, 18),
                    ImportRegisterEndKwh = Nullable(r, 19),
                };
                slots.Add(new LedgerSlot(DateTimeOffset.FromUnixTimeMilliseconds(start), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), true, r.GetDouble(2), site,
                    [.. workloads[start]], [.. gpus[start]], [.. loops[start]])
                {
                    EstimatedReasons = Strings(r.GetString(16)),
                    Flags = Strings(r.GetString(17)),
                });
            }
        }

        using (var q = c.CreateCommand())
        {
            q.Transaction = tx;
            q.CommandText = "SELECT slot FROM open_slot WHERE id = 1 AND start_ms >= $from AND start_ms < $to";
            q.Parameters.AddWithValue("$from", from);
            q.Parameters.AddWithValue("$to", to);
            if (q.ExecuteScalar() is string json && JsonSerializer.Deserialize<LedgerSlot>(json, Json) is { Closed: false } open
                && !slots.Any(s => s.Start == open.Start))
            {
                slots.Add(open);
            }
        }

        return slots;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    private SqliteConnection Reader()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        Execute(c, "PRAGMA busy_timeout = 5000;");
        return c;
    }

    private bool InsertSlot(SqliteTransaction tx, LedgerSlot slot)
    {
        var start = slot.Start.ToUnixTimeMilliseconds();
        using (var q = _writer.CreateCommand())
        {
            q.Transaction = tx;
            q.CommandText = """
                INSERT INTO slots VALUES ($start, $end, $covered, $import, $basis, $metered, $model, $gpu, $cooling, $base, $gap, $spot, $allIn, $cost,
                    $curtailments, $curtailed, $reasons, $flags, $registerStart, $registerEnd)
                ON CONFLICT (start_ms) DO NOTHING
                """;
            var s = slot.Site;
            Add(q, ("$start", start), ("$end", slot.End.ToUnixTimeMilliseconds()), ("$covered", slot.CoveredSeconds), ("$import", s.ImportKwh),
                ("$basis", s.ImportBasis.ToString()), ("$metered", s.ImportMeteredKwh), ("$model", s.ImportModelKwh), ("$gpu", s.GpuKwh),
                ("$cooling", s.CoolingKwh), ("$base", s.BaseLoadKwh), ("$gap", s.ReconciliationGapKwh), ("$spot", s.SpotPricePerMwh),
                ("$allIn", s.AllInPricePerMwh), ("$cost", s.EnergyCost), ("$curtailments", JsonSerializer.Serialize(s.CurtailmentIds, Json)),
                ("$curtailed", s.CurtailedSeconds), ("$reasons", JsonSerializer.Serialize(slot.EstimatedReasons, Json)), ("$flags", JsonSerializer.Serialize(slot.Flags, Json)),
                ("$registerStart", s.ImportRegisterStartKwh), ("$registerEnd", s.ImportRegisterEndKwh));
            if (q.ExecuteNonQuery() == 0)
            {
                return false;   // written before: a replay after a crash between commit and the caller's knowing it
            }
        }

        foreach (var w in slot.Workloads)
        {
            Insert(tx, "INSERT INTO workload_lines VALUES ($s, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                ("$s", start), ("$1", w.Name), ("$2", w.Kind), ("$3", w.Tenant), ("$4", w.GpuKwh), ("$5", w.GridKwh), ("$6", w.GpuHours),
                ("$7", w.SlaGpuMinutesOwed), ("$8", w.SlaGpuMinutesDelivered), ("$9", w.Revenue), ("$10", w.EnergyCost));
        }

        foreach (var g in slot.Gpus)
        {
            Insert(tx, "INSERT INTO gpu_lines VALUES ($s, $1, $2, $3, $4, $5, $6)",
                ("$s", start), ("$1", g.Gpu), ("$2", g.Pool), ("$3", g.Workload ?? ""), ("$4", g.Kwh), ("$5", g.Seconds), ("$6", g.CounterResets));
        }

        foreach (var l in slot.HeatLoops)
        {
            Insert(tx, "INSERT INTO heat_loop_lines VALUES ($s, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                ("$s", start), ("$1", l.Loop), ("$2", l.Buyer), ("$3", l.DeliveredKwh), ("$4", l.DeliveredBasis.ToString()), ("$5", l.SupplyTemperatureC),
                ("$6", l.ContractSupplyTemperatureC), ("$7", l.SecondsBelowContract), ("$8", l.Revenue), ("$9", l.BoilerKwh), ("$10", l.BoilerFuelCost), ("$11", l.DumpedKwh),
                ("$12", l.RegisterStartKwh), ("$13", l.RegisterEndKwh));
        }

        return true;
    }

    private void Insert(SqliteTransaction tx, string sql, params (string Name, object? Value)[] values)
    {
        using var q = _writer.CreateCommand();
        q.Transaction = tx;
        q.CommandText = sql;
        Add(q, values);
        q.ExecuteNonQuery();
    }

    private static void Add(SqliteCommand q, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            q.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    private static ILookup<long, T> Lines<T>(SqliteConnection c, SqliteTransaction tx, string sql, long from, long to, Func<SqliteDataReader, T> map)
    {
        using var q = c.CreateCommand();
        q.Transaction = tx;
        q.CommandText = sql;
        q.Parameters.AddWithValue("$from", from);
        q.Parameters.AddWithValue("$to", to);
        using var r = q.ExecuteReader();
        var rows = new List<(long, T)>();
        while (r.Read())
        {
            rows.Add((r.GetInt64(0), map(r)));
        }

        return rows.ToLookup(x => x.Item1, x => x.Item2);
    }

    private static double? Nullable(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static List<string> Strings(string json) => JsonSerializer.Deserialize<List<string>>(json, Json) ?? [];

    private static void Execute(SqliteConnection c, string sql)
    {
        using var q = c.CreateCommand();
        q.CommandText = sql;
        q.ExecuteNonQuery();
    }
}
