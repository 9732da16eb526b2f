using Microsoft.Extensions.Logging;
using Npgsql;

namespace Energy.Scheduler.Ha;

/// <summary>
/// The PostgreSQL database the controllers of a site share (<c>--ha</c>): a pooled data source for the stores kept there,
/// and the schema's migrations (<see cref="HaMigrations"/>), applied at start by whichever controller comes first, one at a
/// time (under a transaction-scoped advisory lock, so two controllers starting together do not both apply a step).
/// </summary>
public sealed class HaDatabase : IAsyncDisposable
{
    /// <summary>The advisory lock key under which migrations run (any fixed number no other lock of ours uses).</summary>
    private const long MigrationLock = 0x4845_4154_4D49_4752;   // "HEATMIGR"

    public HaDatabase(HaOptions options, string site)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(site);
        Options = options;
        Site = site;
        DataSource = NpgsqlDataSource.Create(options.ConnectionString(dedicated: false, "heatgrid " + options.Name));
    }

    public HaOptions Options { get; }

    /// <summary>The site whose rows this controller reads and writes.</summary>
    public string Site { get; }

    /// <summary>Pooled connections for the stores; the leadership keeps its own, unpooled.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The schema steps applied in the database, newest last.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", MigrationLock);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand("""
            CREATE TABLE IF NOT EXISTS heatgrid_schema (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT clock_timestamp())
            """, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new List<int>();
        await using (var command = new NpgsqlCommand("SELECT version FROM heatgrid_schema ORDER BY version", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var known = HaMigrations.All.Select(m => m.Version).ToHashSet();
        if (applied.FirstOrDefault(v => !known.Contains(v)) is var unknown and > 0)
        {
            throw new HaDatabaseException($"{Options.Shown} has schema step {unknown}, which this HeatGrid does not know: a newer HeatGrid migrated it; "
                + "run that version on every controller of the site");
        }

        foreach (var migration in HaMigrations.All.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
        {
            await using (var command = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var command = new NpgsqlCommand("INSERT INTO heatgrid_schema (version, name) VALUES (@v, @n)", connection, transaction))
            {
                command.Parameters.AddWithValue("v", migration.Version);
                command.Parameters.AddWithValue("n", migration.Name);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            Log.HaMigrationApplied(logger, migration.Version, migration.Name, Options.Shown);
            applied.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    /// <summary>Runs <paramref name="work"/> on a pooled connection (the stores' synchronous paths: a policy change, a curtailment).</summary>
    public T Run<T>(Func<NpgsqlConnection, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var connection = DataSource.OpenConnection();
        return work(connection);
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

/// <summary>The shared database cannot be used as it is (a schema from a newer HeatGrid…); the message says why and what to do.</summary>
public sealed class HaDatabaseException : Exception
{
    public HaDatabaseException()
    {
    }

    public HaDatabaseException(string message) : base(message)
    {
    }

    public HaDatabaseException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>The shared database cannot be read now (it is away, or refused the query): the API answers 503 with why.</summary>
public sealed class HaUnavailableException : IOException
{
    public HaUnavailableException()
    {
    }

    public HaUnavailableException(string message) : base(message)
    {
    }

    public HaUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
