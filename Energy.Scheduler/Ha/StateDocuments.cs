using Energy.Telemetry.Storage;
using Npgsql;

namespace Energy.Scheduler.Ha;

/// <summary>
/// Small named state documents (the curtailments in force and their floor…): checked state files in the data folder (the
/// embedded default, <see cref="FileStateDocuments"/>), or rows of the database the site's controllers share (<c>--ha</c>,
/// <see cref="PgStateDocuments"/>). The code that keeps the state is the same for both; only where it lands differs.
/// </summary>
public interface IStateDocuments
{
    /// <summary>Whether other controllers read and write the same documents (<c>--ha</c>).</summary>
    bool IsShared { get; }

    /// <summary>Where <paramref name="name"/> is kept, for messages: a path, or the database's table and key.</summary>
    string Where(string name);

    /// <summary>The document as stored (missing, good, unchecked or corrupt, with why).</summary>
    /// <exception cref="IOException">The shared database cannot be read now (a file that cannot be read comes back corrupt).</exception>
    StateFileRead Read(string name);

    /// <summary>Writes the whole document, atomically; kept when it returns.</summary>
    /// <exception cref="IOException">It could not be written; the previous one stands.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    void Write(string name, string body);

    /// <summary>Keeps a damaged document aside for a person to look at; where it went, or null.</summary>
    string? MoveAside(string name);

    /// <summary>When it was last written, or null.</summary>
    DateTimeOffset? LastWrite(string name);
}

/// <summary>State documents as checked state files (<see cref="StateFile"/>) in the data folder.</summary>
public sealed class FileStateDocuments(string folder) : IStateDocuments
{
    public bool IsShared => false;

    public string Where(string name) => Path.Combine(folder, name);

    public StateFileRead Read(string name) => StateFile.Read(Where(name));

    public void Write(string name, string body) => StateFile.Write(Where(name), body);

    public string? MoveAside(string name) => StateFile.MoveAside(Where(name));

    public DateTimeOffset? LastWrite(string name)
    {
        try
        {
            var path = Where(name);
            return File.Exists(path) ? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>
/// State documents in the shared database, table <c>heatgrid_state</c> (site, name). A transaction keeps each write whole,
/// so a document there is never torn; only the leader writes (<see cref="Writing"/>): a standby keeps what it hears in memory
/// and reads the leader's documents again, and at a takeover the new leader merges and writes.
/// </summary>
public sealed class PgStateDocuments(HaDatabase database) : IStateDocuments
{
    private volatile bool _writing;

    public bool IsShared => true;

    /// <summary>Whether this controller writes (it leads or is taking over); a standby's writes are skipped, not failed.</summary>
    public bool Writing
    {
        get => _writing;
        set => _writing = value;
    }

    public string Where(string name) => $"{database.Options.Shown} heatgrid_state '{name}'";

    public StateFileRead Read(string name)
    {
        try
        {
            var body = database.Run(connection =>
            {
                using var command = new NpgsqlCommand("SELECT body FROM heatgrid_state WHERE site = @site AND name = @name", connection);
                command.Parameters.AddWithValue("site", database.Site);
                command.Parameters.AddWithValue("name", name);
                return command.ExecuteScalar() as string;
            });
            return body is null ? new StateFileRead(StateFileStatus.Missing, null, null) : new StateFileRead(StateFileStatus.Good, body, null);
        }
        catch (NpgsqlException e)
        {
            throw new IOException($"{Where(name)} cannot be read: {e.Message}", e);
        }
    }

    public void Write(string name, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!_writing)
        {
            return;
        }

        try
        {
            database.Run(connection =>
            {
                using var command = new NpgsqlCommand("""
                    INSERT INTO heatgrid_state (site, name, body, updated_at) VALUES (@site, @name, @body, clock_timestamp())
                    ON CONFLICT (site, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                    """, connection);
                command.Parameters.AddWithValue("site", database.Site);
                command.Parameters.AddWithValue("name", name);
                command.Parameters.AddWithValue("body", body);
                return command.ExecuteNonQuery();
            });
        }
        catch (NpgsqlException e)
        {
            throw new IOException($"{Where(name)} could not be written: {e.Message}", e);
        }
    }

    public string? MoveAside(string name)
    {
        var aside = name + ".corrupt";
        try
        {
            return database.Run(connection =>
            {
                using var command = new NpgsqlCommand("UPDATE heatgrid_state SET name = @aside WHERE site = @site AND name = @name", connection);
                command.Parameters.AddWithValue("site", database.Site);
                command.Parameters.AddWithValue("name", name);
                command.Parameters.AddWithValue("aside", aside);
                return command.ExecuteNonQuery() == 1 ? Where(aside) : null;
            });
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    public DateTimeOffset? LastWrite(string name)
    {
        try
        {
            return database.Run(connection =>
            {
                using var command = new NpgsqlCommand("SELECT updated_at FROM heatgrid_state WHERE site = @site AND name = @name", connection);
                command.Parameters.AddWithValue("site", database.Site);
                command.Parameters.AddWithValue("name", name);
                return command.ExecuteScalar() is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : (DateTimeOffset?)null;
            });
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }
}
