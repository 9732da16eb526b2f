using System.Text.Json;
using Energy.Scheduler.Policy;
using Npgsql;

namespace Energy.Scheduler.Ha;

/// <summary>
/// The policy's versions in the shared database (<c>--ha</c>), table <c>heatgrid_policy_versions</c>: one row per version,
/// written once; the primary key (site, version) makes two controllers writing the same version at once a refusal for the
/// second, never two policies under one number.
/// </summary>
public sealed class PgPolicyStore(HaDatabase database) : IPolicyVersionStore
{
    public string Folder => $"{database.Options.Shown} (heatgrid_policy_versions)";

    public bool IsShared => true;

    public (IReadOnlyList<(string Site, PolicyVersion Entry)> Versions, IReadOnlyList<string> Problems) Load()
    {
        try
        {
            return database.Run(connection =>
            {
                var versions = new List<(string, PolicyVersion)>();
                var problems = new List<string>();
                using var command = new NpgsqlCommand("SELECT version, body FROM heatgrid_policy_versions WHERE site = @site ORDER BY version", connection);
                command.Parameters.AddWithValue("site", database.Site);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var version = reader.GetInt32(0);
                    try
                    {
                        if (JsonSerializer.Deserialize<PolicyVersion>(reader.GetString(1), PolicyDocument.Json) is { Policy.ShedOrder: not null, ChangedBy: not null, Source: not null } entry
                            && entry.Version == version)
                        {
                            versions.Add((database.Site, entry));
                        }
                        else
                        {
                            problems.Add($"{Folder} version {version}: not a policy version");
                        }
                    }
                    catch (JsonException e)
                    {
                        problems.Add($"{Folder} version {version}: {e.Message}");
                    }
                }

                return ((IReadOnlyList<(string, PolicyVersion)>)versions, (IReadOnlyList<string>)problems);
            });
        }
        catch (NpgsqlException e)
        {
            throw new IOException($"{Folder} cannot be read: {e.Message}", e);
        }
    }

    public void Append(string site, PolicyVersion entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            database.Run(connection =>
            {
                using var command = new NpgsqlCommand("INSERT INTO heatgrid_policy_versions (site, version, body) VALUES (@site, @version, @body)", connection);
                command.Parameters.AddWithValue("site", database.Site);
                command.Parameters.AddWithValue("version", entry.Version);
                command.Parameters.AddWithValue("body", JsonSerializer.Serialize(entry, PolicyDocument.Json));
                return command.ExecuteNonQuery();
            });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new IOException($"version {entry.Version} exists already in {Folder}: another controller changed the policy at the same time", e);
        }
        catch (NpgsqlException e)
        {
            throw new IOException($"{Folder} refused version {entry.Version}: {e.Message}", e);
        }
    }
}
