using System.Diagnostics;
using Energy.IntegrationTests.Support;
using Npgsql;
using Xunit.Abstractions;
using static Energy.IntegrationTests.Ha.PostgresServerTests;

namespace Energy.IntegrationTests.Ha;

/// <summary>
/// What the controllers' leadership relies on, checked on a real PostgreSQL: a session-level advisory lock
/// (<c>pg_try_advisory_lock</c>) has one holder, and it comes free when the holder's session ends: its connection
/// closed, its backend terminated, or the database server crashed.
/// </summary>
public sealed class PostgresAdvisoryLockTests(ITestOutputHelper output)
{
    private const long Key = 0x4845_4154_4752_4944; // "HEATGRID"

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    [RequiresPostgresFact]
    public async Task TryAdvisoryLock_HolderClosesConnection_OtherSessionGetsItAtOnce()
    {
        await using var server = await PostgresServer.StartAsync();
        var a = await server.OpenAsync();
        await using var b = await server.OpenAsync();

        Assert.True(await TryLockAsync(a));
        Assert.False(await TryLockAsync(b));
        // Only the holder releases it: B's unlock is refused (with a warning), A still holds it.
        Assert.False(await ScalarAsync<bool>(b, $"SELECT pg_advisory_unlock({Key})"));
        Assert.False(await TryLockAsync(b));
        // Session locks stack: a second lock by A is granted again (and needs a second unlock).
        Assert.True(await TryLockAsync(a));

        var clock = Stopwatch.StartNew();
        await a.DisposeAsync();
        var closed = clock.Elapsed;
        await PollForLockAsync(b, TimeSpan.FromSeconds(5), server);
        var acquired = clock.Elapsed;

        output.WriteLine($"advisory lock: B acquired it {acquired.TotalMilliseconds:0} ms after A's connection close began (close took {closed.TotalMilliseconds:0} ms, poll every {Poll.TotalMilliseconds:0} ms)");
        Assert.True(acquired < TimeSpan.FromSeconds(1), $"B got the lock only {acquired.TotalMilliseconds:0} ms after A closed:\n{server.Log}");
    }

    [RequiresPostgresFact]
    public async Task TryAdvisoryLock_HolderBackendTerminatedByOther_OtherSessionGetsIt()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var a = await server.OpenAsync();
        await using var b = await server.OpenAsync();
        Assert.True(await TryLockAsync(a));
        var holderPid = await ScalarAsync<int>(a, "SELECT pg_backend_pid()");

        // What a standby does to a stuck leader: find the holder in pg_locks (a bigint key is classid:objid, objsubid 1).
        await using var find = new NpgsqlCommand(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = @key",
            b);
        find.Parameters.AddWithValue("key", Key);
        Assert.Equal(holderPid, (int)(await find.ExecuteScalarAsync())!);
        Assert.False(await TryLockAsync(b));

        var clock = Stopwatch.StartNew();
        Assert.True(await ScalarAsync<bool>(b, $"SELECT pg_terminate_backend({holderPid})"));
        await PollForLockAsync(b, TimeSpan.FromSeconds(5), server);
        var acquired = clock.Elapsed;

        output.WriteLine($"advisory lock: B acquired it {acquired.TotalMilliseconds:0} ms after pg_terminate_backend({holderPid}) began (poll every {Poll.TotalMilliseconds:0} ms)");
        Assert.True(acquired < TimeSpan.FromSeconds(2), $"B got the lock only {acquired.TotalMilliseconds:0} ms after terminating A:\n{server.Log}");
        // A learns it lost its session (and with it the lock) on its next command.
        var lost = await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<int>(a, "SELECT 1"));
        output.WriteLine($"A's next command: {lost.GetType().Name}: {lost.Message}");
    }

    [RequiresPostgresFact]
    public async Task TryAdvisoryLock_ServerKilledAndRestarted_NoOneHoldsIt()
    {
        await using var server = await PostgresServer.StartAsync();
        await using (var a = await server.OpenAsync())
        {
            Assert.True(await TryLockAsync(a));
            await server.KillAsync();
        }

        await server.RestartAsync();

        await using var b = await server.OpenAsync();
        Assert.True(await TryLockAsync(b));
    }

    private static Task<bool> TryLockAsync(NpgsqlConnection connection) => ScalarAsync<bool>(connection, $"SELECT pg_try_advisory_lock({Key})");

    /// <summary>Tries the lock every <see cref="Poll"/> until granted.</summary>
    private static async Task PollForLockAsync(NpgsqlConnection connection, TimeSpan timeout, PostgresServer server)
    {
        var clock = Stopwatch.StartNew();
        while (!await TryLockAsync(connection))
        {
            Assert.True(clock.Elapsed < timeout, $"the lock did not come free within {timeout.TotalSeconds} s:\n{server.Log}");
            await Task.Delay(Poll);
        }
    }
}
