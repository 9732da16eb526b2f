using System.Diagnostics;
using Energy.IntegrationTests.Support;
using Energy.Scheduler.Ha;
using Energy.Scheduler.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace Energy.IntegrationTests.Ha;

/// <summary>
/// The API's users in the shared database (<see cref="PgUserRecords"/>) on a real PostgreSQL: what one controller or the
/// CLI writes, another controller's <see cref="UserDirectory"/> (its own <see cref="HaDatabase"/>, as a second process
/// would have) serves within its poll; a database that is away leaves the last users in force and never opens the API.
/// </summary>
public sealed class PgUsersTests(ITestOutputHelper output)
{
    private const string Site = "users-test";

    [RequiresPostgresFact]
    public async Task Users_RoundTrip_KeysKeptAsHashesOnly_OneNamePerSiteWhateverItsCase()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "users_roundtrip");
        var time = TimeProvider.System;
        var other = UserStore.Open(new PgUserRecords(database), time);   // opened before the adds: its own list is stale

        var store = UserStore.Open(new PgUserRecords(database), time);
        var alice = store.Add("alice", "operator", null);
        var acme = store.Add("acme", "tenant", " Acme AI ");
        var acme2 = store.NewKey("acme");

        var read = UserStore.Open(new PgUserRecords(database), time).Users;
        Assert.Equal(["alice", "acme"], read.Select(u => u.Name));
        Assert.Equal((ApiRole.Operator, (string?)null), (read[0].Role, read[0].Tenant));
        Assert.Equal((ApiRole.Tenant, "Acme AI"), (read[1].Role, read[1].Tenant));
        Assert.Equal([acme.Id, acme2.Id], read[1].Keys.Select(k => k.Id));
        Assert.Equal([acme.SecretSha256, acme2.SecretSha256], read[1].Keys.Select(k => k.SecretSha256));
        Assert.True(Math.Abs((read[0].Keys[0].Created - store.Users[0].Keys[0].Created).TotalMilliseconds) < 1, "created kept to the microsecond");

        // Nothing in the tables opens anything: no key and no secret, only ids and hashes.
        var dump = await DumpAsync(server, "users_roundtrip");
        foreach (var key in new[] { alice, acme, acme2 })
        {
            Assert.DoesNotContain(key.Text, dump, StringComparison.Ordinal);
            Assert.DoesNotContain(key.Text.Split('_')[2], dump, StringComparison.Ordinal);
            Assert.Contains(key.SecretSha256, dump, StringComparison.Ordinal);
        }

        // A second writer that read before the add is refused by the database, not by its own stale list.
        var e = Assert.Throws<UserStoreException>(() => other.Add("ALICE", "viewer", null));
        Assert.Contains("exists already", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, UserStore.Open(new PgUserRecords(database), time).Users.Count);

        // Another site in the same database has its own users.
        await using var elsewhere = new HaDatabase(database.Options, "other-site");
        Assert.Empty(UserStore.Open(new PgUserRecords(elsewhere), time).Users);

        // The start check reads the database: users there let a controller listen on the network.
        Assert.Null(ApiSecurity.StartRefusal("http://0.0.0.0:8080", new PgUserRecords(database), "--ha …"));
        Assert.Contains("--ha …", ApiSecurity.StartRefusal("http://0.0.0.0:8080", new PgUserRecords(elsewhere), "--ha …"), StringComparison.Ordinal);

        // heatgrid users --ha: the change is an entry of the site's one trail in the database, not of the data folder's.
        var data = System.IO.Directory.CreateTempSubdirectory("heatgrid-users-ha-").FullName;
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Assert.Equal(0, Energy.Scheduler.Cli.UsersCommand.Add(data, "bob", "viewer", null, stdout, stderr, database));
            Assert.DoesNotContain("could not be written", stderr.ToString(), StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(data, Energy.Scheduler.Audit.AuditLog.FileName)));
            using var trail = new PgAuditTrail(database, time, Microsoft.Extensions.Logging.Abstractions.NullLogger<PgAuditTrail>.Instance);
            var entry = Assert.Single(trail.Latest(10, 0));
            Assert.Equal(("users.add", "bob"), (entry.GetProperty("what").GetString(), entry.GetProperty("after").GetProperty("name").GetString()));
            Assert.True(PgAuditTrail.Verify(database).Intact);
        }
        finally
        {
            System.IO.Directory.Delete(data, recursive: true);
        }
    }

    [RequiresPostgresFact]
    public async Task UserAddedThroughOneController_SignsInOnAnother_WithinThePoll()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var leader = await DatabaseAsync(server, "users_poll");
        await using var standby = await DatabaseAsync(server, "users_poll");
        using var users = Directory(standby, UserDirectory.PollEvery);
        Assert.True(users.IsOpen, "no users, loopback: open, as with the file");

        var clock = Stopwatch.StartNew();
        var key = UserStore.Open(new PgUserRecords(leader), TimeProvider.System).Add("alice", "admin", null);
        await Poll.UntilAsync(() => users.Authenticate(key.Text).User is not null, TimeSpan.FromSeconds(10), "the standby taking alice's key");
        output.WriteLine($"a user added through one controller signs in on another after {clock.Elapsed.TotalMilliseconds:F0} ms (poll {UserDirectory.PollEvery.TotalSeconds:F0} s)");
        Assert.True(clock.Elapsed < UserDirectory.PollEvery + TimeSpan.FromSeconds(1), $"took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(("alice", ApiRole.Admin), (users.Authenticate(key.Text).User!.Name, users.Authenticate(key.Text).User!.Role));
        Assert.False(users.IsOpen, "with a user the API needs a key");
    }

    [RequiresPostgresFact]
    public async Task RevokedKeyAndRemovedUser_StopWorking_OnEveryController()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var cli = await DatabaseAsync(server, "users_revoke");
        await using var controller = await DatabaseAsync(server, "users_revoke");
        var store = UserStore.Open(new PgUserRecords(cli), TimeProvider.System);
        var first = store.Add("ops", "operator", null);
        var second = store.NewKey("ops");
        var bob = store.Add("bob", "viewer", null);
        using var users = Directory(controller, TimeSpan.FromMilliseconds(200));
        Assert.All(new[] { first, second, bob }, k => Assert.NotNull(users.Authenticate(k.Text).User));

        UserStore.Open(new PgUserRecords(cli), TimeProvider.System).Revoke(first.Id);
        await Poll.UntilAsync(() => users.Authenticate(first.Text).User is null, TimeSpan.FromSeconds(5), "the revoked key refused");
        Assert.Contains("revoked, or never made", users.Authenticate(first.Text).Refusal, StringComparison.Ordinal);
        Assert.Equal("ops", users.Authenticate(second.Text).User?.Name);

        UserStore.Open(new PgUserRecords(cli), TimeProvider.System).Remove("bob");
        await Poll.UntilAsync(() => users.Authenticate(bob.Text).User is null, TimeSpan.FromSeconds(5), "the removed user's key refused");
        Assert.Equal(["ops"], users.Users.Select(u => u.Name));

        // A stale writer revoking a key already gone is told so.
        var stale = UserStore.Open(new PgUserRecords(cli), TimeProvider.System);
        UserStore.Open(new PgUserRecords(cli), TimeProvider.System).Revoke(second.Id);
        Assert.Contains("revoked meanwhile", Assert.Throws<UserStoreException>(() => stale.Revoke(second.Id)).Message, StringComparison.Ordinal);
    }

    [RequiresPostgresFact]
    public async Task DatabaseStopped_KeepsTheLastUsers_NeverOpensTheApi()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "users_down");
        await using var empty = new HaDatabase(database.Options, "no-users-site");
        var key = UserStore.Open(new PgUserRecords(database), TimeProvider.System).Add("alice", "operator", null);
        var records = new CountingRecords(new PgUserRecords(database));
        var noUsers = new CountingRecords(new PgUserRecords(empty));
        using var users = Directory(records, TimeSpan.FromMilliseconds(200));
        using var open = Directory(noUsers, TimeSpan.FromMilliseconds(200));
        Assert.NotNull(users.Authenticate(key.Text).User);
        Assert.True(open.IsOpen, "no users on loopback: open while the database answers");

        await server.StopAsync();
        await Poll.UntilAsync(() => records.Failures >= 3 && noUsers.Failures >= 3, TimeSpan.FromSeconds(15), "three failed reads");
        Assert.Equal("alice", users.Authenticate(key.Text).User?.Name);
        Assert.False(users.IsOpen);
        Assert.False(open.IsOpen, "a site without users whose database is away refuses every request, as for a broken users file");
        Assert.Empty(open.Users);

        // A controller that starts while the database is away has no users to go by: it refuses everything.
        using var late = Directory(new PgUserRecords(database), TimeSpan.FromMilliseconds(200));
        Assert.False(late.IsOpen);
        Assert.Null(late.Authenticate(key.Text).User);
        Assert.Contains("cannot be read", ApiSecurity.StartRefusal("http://127.0.0.1:8080", new PgUserRecords(database), "--ha …"), StringComparison.Ordinal);

        await server.RestartAsync();
        await Poll.UntilAsync(() => late.Authenticate(key.Text).User is not null && open.IsOpen, TimeSpan.FromSeconds(10), "the users read again");
        Assert.Equal("alice", users.Authenticate(key.Text).User?.Name);
    }

    [RequiresPostgresFact]
    public async Task Cli_UsersAddWithHa_WritesAUserTheControllersSee()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "users_cli");
        var data = System.IO.Directory.CreateTempSubdirectory("heatgrid-users-ha-").FullName;
        try
        {
            var uri = server.ConnectionUri("users_cli");
            var env = new Dictionary<string, string> { [HaOptions.PasswordVariable] = server.Password };
            var (code, added) = await RunAsync(env, "users", "add", "carol", "--role", "admin", "--ha", uri, "--site", Site, "--data", data);
            Assert.True(code == 0, added);
            Assert.Contains("heatgrid_users, site users-test", added, StringComparison.Ordinal);
            var key = HeatGridUsers.KeyIn(added);
            Assert.False(File.Exists(UsersFile.PathIn(data)), "the users went to the database, not the data folder");

            using var users = Directory(database, TimeSpan.FromMilliseconds(200));
            Assert.Equal(("carol", ApiRole.Admin), (users.Authenticate(key).User?.Name, users.Authenticate(key).User?.Role));

            var (listed, list) = await RunAsync(env, "users", "list", "--ha", uri, "--site", Site, "--data", data);
            Assert.True(listed == 0, list);
            Assert.Contains($"carol\tadmin\t{key.Split('_')[1]} (", list, StringComparison.Ordinal);
            Assert.DoesNotContain(key, list, StringComparison.Ordinal);

            var (again, twice) = await RunAsync(env, "users", "add", "carol", "--role", "viewer", "--ha", uri, "--site", Site, "--data", data);
            Assert.Equal(2, again);
            Assert.Contains("exists already", twice, StringComparison.Ordinal);

            var (revoked, revoke) = await RunAsync(env, "users", "revoke", key.Split('_')[1], "--ha", uri, "--site", Site, "--data", data);
            Assert.True(revoked == 0, revoke);
            await Poll.UntilAsync(() => users.Authenticate(key).User is null, TimeSpan.FromSeconds(5), "the key revoked through the CLI refused");

            var (noPassword, refused) = await RunAsync(new Dictionary<string, string> { [HaOptions.PasswordVariable] = "" },
                "users", "list", "--ha", uri, "--site", Site, "--data", data);
            Assert.Equal(2, noPassword);
            Assert.Contains(HaOptions.PasswordVariable, refused, StringComparison.Ordinal);

            var (noSite, siteless) = await RunAsync(env, "users", "list", "--ha", uri, "--data", data);
            Assert.Equal(2, noSite);
            Assert.Contains("--site", siteless, StringComparison.Ordinal);
        }
        finally
        {
            System.IO.Directory.Delete(data, recursive: true);
        }
    }

    private static Task<HaDatabase> DatabaseAsync(PostgresServer server, string name) => server.MigratedDatabaseAsync(name, Site);

    private static async Task<string> DumpAsync(PostgresServer server, string name)
    {
        await using var connection = await server.OpenAsync(name);
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM (SELECT row_to_json(u)::text AS t FROM heatgrid_users u UNION ALL SELECT row_to_json(k)::text FROM heatgrid_user_keys k) x", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static UserDirectory Directory(HaDatabase database, TimeSpan poll) => Directory(new PgUserRecords(database), poll);

    private static UserDirectory Directory(IUserRecords records, TimeSpan poll) =>
        new(records, openWhenEmpty: true, NullLogger<UserDirectory>.Instance, TimeProvider.System, poll);

    private static async Task<(int Code, string Output)> RunAsync(Dictionary<string, string> environment, params string[] args)
    {
        using var process = HeatGridProcess.Start(environment, args);
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"heatgrid {string.Join(' ', args)} did not finish:\n{process.Output}");
        return (process.ExitCode, process.Output);
    }

    /// <summary>The real records, counting the reads that failed (so a test knows the poll met the database away).</summary>
    private sealed class CountingRecords(IUserRecords inner) : IUserRecords
    {
        private int _failures;

        public int Failures => Volatile.Read(ref _failures);

        public string Where => inner.Where;

        public (IReadOnlyList<ApiUser>? Users, string? Problem) Read()
        {
            var read = inner.Read();
            if (read.Users is null)
            {
                Interlocked.Increment(ref _failures);
            }

            return read;
        }

        public void Apply(UserChange change, IReadOnlyList<ApiUser> after) => inner.Apply(change, after);
    }
}
