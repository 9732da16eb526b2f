using Energy.Scheduler.Security;
using Npgsql;

namespace Energy.Scheduler.Ha;

/// <summary>
/// The API's users in the shared database (<c>--ha</c>), tables <c>heatgrid_users</c> and <c>heatgrid_user_keys</c>, keyed
/// by the site: as the users file, a key's id and the SHA-256 of its secret only, never a key. Each change is one statement
/// (or one transaction), so two made at once through two controllers or the CLI both stay; the keys go with their user.
/// </summary>
public sealed class PgUserRecords(HaDatabase database) : IUserRecords
{
    public string Where => $"{database.Options.Shown} (heatgrid_users, site {database.Site})";

    public (IReadOnlyList<ApiUser>? Users, string? Problem) Read()
    {
        try
        {
            return database.Run(connection =>
            {
                using var command = new NpgsqlCommand("""
                    SELECT u.name, u.role, u.tenant, k.id, k.secret_sha256, k.created
                    FROM heatgrid_users u LEFT JOIN heatgrid_user_keys k ON k.site = u.site AND k.user_name = u.name
                    WHERE u.site = @site
                    ORDER BY u.added_at, u.name, k.created, k.id
                    """, connection);
                command.Parameters.AddWithValue("site", database.Site);
                using var reader = command.ExecuteReader();
                var users = new List<ApiUser>();
                while (reader.Read())
                {
                    var name = reader.GetString(0);
                    if (users.Count == 0 || users[^1].Name != name)
                    {
                        if (!ApiRoles.TryParse(reader.GetString(1), out var role))
                        {
                            return ((IReadOnlyList<ApiUser>?)null, (string?)$"{Where}: user '{name}' has the unknown role '{reader.GetString(1)}' (a newer HeatGrid wrote it?)");
                        }

                        users.Add(new ApiUser(name, role, reader.IsDBNull(2) ? null : reader.GetString(2), []));
                    }

                    if (!reader.IsDBNull(3))
                    {
                        var key = new ApiKeyRecord(reader.GetString(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5));
                        users[^1] = users[^1] with { Keys = [.. users[^1].Keys, key] };
                    }
                }

                return (users, null);
            });
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return (null, $"{Where}: cannot be read: {e.Message}");
        }
    }

    public void Apply(UserChange change, IReadOnlyList<ApiUser> after)
    {
        ArgumentNullException.ThrowIfNull(change);
        try
        {
            database.Run(connection => change switch
            {
                UserChange.AddUser add => AddUser(connection, add.User),
                UserChange.AddKey key => Execute(connection, """
                    INSERT INTO heatgrid_user_keys (site, id, user_name, secret_sha256, created)
                    SELECT site, @id, name, @hash, @created FROM heatgrid_users WHERE site = @site AND name = @name
                    """, ("name", key.Name), ("id", key.Key.Id), ("hash", key.Key.SecretSha256), ("created", key.Key.Created.ToUniversalTime())) == 1
                    ? 1 : throw new UserStoreException($"no user '{key.Name}' (removed meanwhile; 'heatgrid users list' shows them)"),
                UserChange.RemoveUser remove => Execute(connection, "DELETE FROM heatgrid_users WHERE site = @site AND name = @name", ("name", remove.Name)) == 1
                    ? 1 : throw new UserStoreException($"no user '{remove.Name}' (removed meanwhile; 'heatgrid users list' shows them)"),
                UserChange.RemoveKey revoke => Execute(connection, "DELETE FROM heatgrid_user_keys WHERE site = @site AND id = @id AND user_name = @name",
                    ("name", revoke.Name), ("id", revoke.KeyId)) == 1
                    ? 1 : throw new UserStoreException($"no key '{revoke.KeyId}' (revoked meanwhile; 'heatgrid users list' shows them)"),
                _ => throw new ArgumentOutOfRangeException(nameof(change), change, "not a users change"),
            });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && change is UserChange.AddUser add)
        {
            throw new UserStoreException($"user '{add.User.Name}' exists already; 'heatgrid users key {add.User.Name}' gives it another key", e);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new UserStoreException($"{Where}: cannot be written, nothing changed: {e.Message}", e);
        }
    }

    private int AddUser(NpgsqlConnection connection, ApiUser user)
    {
        using var transaction = connection.BeginTransaction();
        Execute(connection, "INSERT INTO heatgrid_users (site, name, role, tenant) VALUES (@site, @name, @role, @tenant)",
            ("name", user.Name), ("role", user.Role.Name()), ("tenant", (object?)user.Tenant ?? DBNull.Value));
        foreach (var key in user.Keys)
        {
            Execute(connection, "INSERT INTO heatgrid_user_keys (site, id, user_name, secret_sha256, created) VALUES (@site, @id, @name, @hash, @created)",
                ("name", user.Name), ("id", key.Id), ("hash", key.SecretSha256), ("created", key.Created.ToUniversalTime()));
        }

        transaction.Commit();
        return 1;
    }

    private int Execute(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("site", database.Site);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }
}
