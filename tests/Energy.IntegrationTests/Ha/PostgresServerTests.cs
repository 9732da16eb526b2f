using Energy.IntegrationTests.Support;
using Npgsql;

namespace Energy.IntegrationTests.Ha;

/// <summary>The PostgreSQL fixture itself: a real server in a temp folder that keeps its data across a stop, a crash and a restart.</summary>
public sealed class PostgresServerTests
{
    [RequiresPostgresFact]
    public async Task StartAsync_FreshCluster_AnswersOnItsPortWithPasswordAuthentication()
    {
        await using var server = await PostgresServer.StartAsync();

        await using (var connection = await server.OpenAsync())
        {
            Assert.Equal(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), await ScalarAsync<string>(connection, "SHOW port"));
            Assert.Equal(server.DataDirectory, await ScalarAsync<string>(connection, "SHOW data_directory"));
            Assert.Equal(PostgresServer.Superuser, await ScalarAsync<string>(connection, "SELECT current_user"));
            Assert.Equal("UTF8", await ScalarAsync<string>(connection, "SHOW server_encoding"));
            Assert.Equal("off", await ScalarAsync<string>(connection, "SHOW fsync"));
        }

        await using var wrong = new NpgsqlConnection(server.ConnectionString(password: "not-" + server.Password));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => wrong.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        Assert.Equal($"postgres://postgres@127.0.0.1:{server.Port}/heatgrid", server.ConnectionUri("heatgrid"));
    }

    [RequiresPostgresFact]
    public async Task CreateDatabaseAsync_StopThenRestart_TableAndRowSurviveOnSamePort()
    {
        await using var server = await PostgresServer.StartAsync();
        await server.CreateRoleAsync("heatgrid", "s3cret'quote");
        await server.CreateDatabaseAsync("heatgrid", owner: "heatgrid");
        var asOwner = server.ConnectionString("heatgrid", "heatgrid", "s3cret'quote");
        await using (var connection = new NpgsqlConnection(asOwner))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "CREATE TABLE lease (id int PRIMARY KEY, holder text NOT NULL)");
            await ExecuteAsync(connection, "INSERT INTO lease VALUES (1, 'controller-a')");
        }

        var port = server.Port;
        await server.StopAsync();
        Assert.Null(server.ProcessId);
        await using (var down = new NpgsqlConnection(asOwner))
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => down.OpenAsync());
        }

        await server.RestartAsync();

        Assert.Equal(port, server.Port);
        Assert.Contains("database system was shut down at", SinceLastStart(server.Log), StringComparison.Ordinal);
        await using var again = new NpgsqlConnection(asOwner);
        await again.OpenAsync();
        Assert.Equal("controller-a", await ScalarAsync<string>(again, "SELECT holder FROM lease WHERE id = 1"));
    }

    [RequiresPostgresFact]
    public async Task StartAsync_TwoServersAtOnce_EachOnItsOwnPortAndFolder()
    {
        var starting = new[] { PostgresServer.StartAsync(), PostgresServer.StartAsync() };
        await Task.WhenAll(starting);
        await using var first = await starting[0];
        await using var second = await starting[1];

        Assert.NotEqual(first.Port, second.Port);
        Assert.NotEqual(first.Folder, second.Folder);
        await first.CreateDatabaseAsync("only_in_first");
        await using var a = await first.OpenAsync();
        await using var b = await second.OpenAsync();
        Assert.Equal(1L, await ScalarAsync<long>(a, "SELECT count(*) FROM pg_database WHERE datname = 'only_in_first'"));
        Assert.Equal(0L, await ScalarAsync<long>(b, "SELECT count(*) FROM pg_database WHERE datname = 'only_in_first'"));
    }

    [RequiresPostgresFact]
    public async Task KillAsync_ThenRestart_RecoversFromCrashWithCommittedRows()
    {
        await using var server = await PostgresServer.StartAsync();
        await server.CreateDatabaseAsync("heatgrid");
        await using var held = await server.OpenAsync("heatgrid");
        // The server runs with synchronous_commit=off; this session waits for its commits to reach the WAL file.
        await ExecuteAsync(held, "SET synchronous_commit = on");
        await ExecuteAsync(held, "CREATE TABLE epoch (n bigint NOT NULL)");
        await ExecuteAsync(held, "INSERT INTO epoch VALUES (7)");
        var before = server.ProcessId;

        await server.KillAsync();

        Assert.Null(server.ProcessId);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<long>(held, "SELECT n FROM epoch"));
        await server.RestartAsync();
        Assert.NotEqual(before, server.ProcessId);
        Assert.Contains("not properly shut down; automatic recovery in progress", SinceLastStart(server.Log), StringComparison.Ordinal);
        await using var again = await server.OpenAsync("heatgrid");
        Assert.Equal(7L, await ScalarAsync<long>(again, "SELECT n FROM epoch"));
    }

    private static string SinceLastStart(string log) => log[log.LastIndexOf("--- starting postgres", StringComparison.Ordinal)..];

    internal static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    internal static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
