using Microsoft.Data.Sqlite;

namespace Energy.Scheduler.Books;

/// <summary>
/// The ledger's schema, as ordered migrations applied at open: SQLite's <c>user_version</c> says how many ran.
/// Each runs in its own transaction with the version bump, so a crash mid-migration leaves the previous
/// version whole. Append new migrations at the end; never edit one that has shipped.
/// </summary>
public static class LedgerMigrations
{
    /// <summary>Each migration's SQL, in order: migration <c>i</c> takes the schema from version <c>i</c> to <c>i + 1</c>.</summary>
    public static readonly IReadOnlyList<string> Steps =
    [
        // v1: the closed slots and their lines, and what the books were kept for. Instants are UTC unix milliseconds;
        // a slot is keyed by its start, each line by (slot start, name…): a slot is written once.
        """
        CREATE TABLE info (id INTEGER PRIMARY KEY CHECK (id = 1), site TEXT NOT NULL, time_zone TEXT NOT NULL, currency TEXT NOT NULL);
        CREATE TABLE slots (
            start_ms INTEGER PRIMARY KEY, end_ms INTEGER NOT NULL, covered_seconds REAL NOT NULL,
            import_kwh REAL NOT NULL, import_basis TEXT NOT NULL, import_metered_kwh REAL, import_model_kwh REAL NOT NULL,
            gpu_kwh REAL NOT NULL, cooling_kwh REAL NOT NULL, base_load_kwh REAL NOT NULL, reconciliation_gap_kwh REAL,
            spot_price_per_mwh REAL, all_in_price_per_mwh REAL, energy_cost REAL NOT NULL,
            curtailment_ids TEXT NOT NULL, curtailed_seconds REAL NOT NULL,
            estimated_reasons TEXT NOT NULL, flags TEXT NOT NULL,
            CHECK (end_ms > start_ms));
        CREATE TABLE workload_lines (
            slot_start_ms INTEGER NOT NULL REFERENCES slots (start_ms), name TEXT NOT NULL, kind TEXT NOT NULL, tenant TEXT,
            gpu_kwh REAL NOT NULL, grid_kwh REAL NOT NULL, gpu_hours REAL NOT NULL,
            sla_gpu_minutes_owed REAL NOT NULL, sla_gpu_minutes_delivered REAL NOT NULL, revenue REAL NOT NULL, energy_cost REAL NOT NULL,
            UNIQUE (slot_start_ms, name));
        CREATE TABLE gpu_lines (
            slot_start_ms INTEGER NOT NULL REFERENCES slots (start_ms), gpu TEXT NOT NULL, pool TEXT NOT NULL, workload TEXT NOT NULL,
            kwh REAL NOT NULL, seconds REAL NOT NULL, counter_resets INTEGER NOT NULL,
            UNIQUE (slot_start_ms, gpu, workload));
        CREATE TABLE heat_loop_lines (
            slot_start_ms INTEGER NOT NULL REFERENCES slots (start_ms), loop TEXT NOT NULL, buyer TEXT NOT NULL,
            delivered_kwh REAL NOT NULL, delivered_basis TEXT NOT NULL, supply_temperature_c REAL, contract_supply_temperature_c REAL NOT NULL,
            seconds_below_contract REAL NOT NULL, revenue REAL NOT NULL, boiler_kwh REAL NOT NULL, boiler_fuel_cost REAL NOT NULL, dumped_kwh REAL NOT NULL,
            UNIQUE (slot_start_ms, loop));
        """,

        // v2: the slot in progress, checkpointed every few seconds so that a killed process resumes it (one row);
        // state is the recorder's accumulators and last counter readings, slot the slot as it stands (for readers).
        """
        CREATE TABLE open_slot (
            id INTEGER PRIMARY KEY CHECK (id = 1), start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, saved_ms INTEGER NOT NULL,
            state TEXT NOT NULL, slot TEXT NOT NULL);
        """,
        // v3: the meters' register readings each slot's counting ran between (null in slots written before, or without a register).
        """
        ALTER TABLE slots ADD COLUMN import_register_start_kwh REAL;
        ALTER TABLE slots ADD COLUMN import_register_end_kwh REAL;
        ALTER TABLE heat_loop_lines ADD COLUMN register_start_kwh REAL;
        ALTER TABLE heat_loop_lines ADD COLUMN register_end_kwh REAL;
        """,
        // v4: the proof-of-useful-work ledger: every ticket submitted, with its outcome ("accepted" or the rejection's reason).
        // A ticket id (its tile hash) is accepted once: the partial unique index refuses a second accepted row atomically.
        """
        CREATE TABLE pouw_tickets (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, tenant TEXT NOT NULL, job TEXT NOT NULL, sequence INTEGER NOT NULL,
            ticket_id TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL, work_units INTEGER NOT NULL, value REAL NOT NULL, currency TEXT NOT NULL);
        CREATE UNIQUE INDEX pouw_tickets_accepted ON pouw_tickets (ticket_id) WHERE outcome = 'accepted';
        CREATE INDEX pouw_tickets_at ON pouw_tickets (at_ms);
        """,
        // v5: the request batches logged per PoUW job (their activations roots): an insert each, where a save of jobs.json per
        // batch would rewrite the whole registry many times a second.
        """
        CREATE TABLE pouw_batches (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, tenant TEXT NOT NULL, job TEXT NOT NULL, root TEXT NOT NULL,
            UNIQUE (tenant, job, root));
        """,
    ];

    /// <summary>The schema version this build writes.</summary>
    public static int Latest => Steps.Count;

    /// <summary>The database's schema version (0 for an empty file).</summary>
    public static int VersionOf(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Applies the migrations the database lacks, up to <paramref name="upTo"/> (the latest by default); returns how many ran.</summary>
    /// <exception cref="InvalidDataException">The database is of a newer schema than this build knows.</exception>
    public static int Apply(SqliteConnection connection, int? upTo = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var target = upTo ?? Latest;
        var version = VersionOf(connection);
        if (version > Latest)
        {
            throw new InvalidDataException($"the ledger's schema is version {version}, newer than this HeatGrid's ({Latest}): run a newer HeatGrid or move the file aside");
        }

        var ran = 0;
        for (var v = version; v < target; v++)
        {
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Steps[v] + $"\nPRAGMA user_version = {v + 1};";
            command.ExecuteNonQuery();
            transaction.Commit();
            ran++;
        }

        return ran;
    }
}
