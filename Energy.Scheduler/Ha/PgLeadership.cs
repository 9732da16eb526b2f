using System.Data;
using System.Security.Cryptography;
using System.Text;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Energy.Scheduler.Ha;

/// <summary>
/// Leadership on PostgreSQL: a session-level advisory lock, held on a dedicated unpooled connection, says who may lead; a
/// lease row (<c>heatgrid_leader</c>), renewed on that same connection every <see cref="HaOptions.RenewEvery"/>, says until
/// when; the epoch comes from the sequence <c>heatgrid_controller_epoch</c>, one more at each takeover.
/// <list type="bullet">
/// <item>The leader may dispatch while its last renewal succeeded less than <see cref="HaOptions.Lease"/> ago, counted on its
/// own monotonic clock from before the renewal was sent. A renewal that fails (the connection broke, the database stopped,
/// the row names another) ends leadership at once: it stops dispatching, says so, closes the connection (its lock goes with
/// the session) and tries again as a standby.</item>
/// <item>A standby takes the lock when it is free, and takes over once the database's clock says the lease was last
/// renewed <see cref="HaOptions.TakeoverDelay"/> ago (the lease plus a clock margin), so a leader cut off from the database
/// has stopped before anyone can lead. A leader that released the lease (a clean stop) is followed at once.</item>
/// <item>A lock still held by a session whose lease ran out long ago (a host that died without closing its connection,
/// which the server notices only when TCP gives up) is freed by terminating that session.</item>
/// </list>
/// No home-made consensus: PostgreSQL's lock and its one clock decide; the epoch fences the agents.
/// </summary>
public sealed class PgLeadership : BackgroundService, ILeadership
{
    /// <summary>The alarm held while this controller cannot reach the shared database.</summary>
    public const string DatabaseAlarm = "ha.database";

    /// <summary>Raised when this controller stopped leading for another reason than a clean stop.</summary>
    public const string SteppedDownAlarm = "ha.steppedDown";

    /// <summary>How long past the takeover delay a lock may stay held by a session that renews nothing before it is terminated.</summary>
    public static readonly TimeSpan StaleSessionGrace = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan PeerForgottenAfter = TimeSpan.FromSeconds(30);

    private readonly HaDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private readonly long _lockKey;
    private readonly string _instance;
    private readonly DateTimeOffset _startedAt;
    private readonly Lock _gate = new();
    private NpgsqlConnection? _connection;
    private bool _holdsLock;
    private volatile bool _leading;
    private long _renewedAt;          // monotonic timestamp (TimeProvider.GetTimestamp) taken before the last successful renewal was sent
    private long _epoch;
    private long _newerSeen;
    private string? _waitingFor;
    private LeadershipView _view;

    public PgLeadership(HaDatabase database, TimeProvider time, ILogger<PgLeadership> logger, Alarms? alarms = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = time;
        _logger = logger;
        _alarms = alarms;
        _lockKey = LockKey(database.Site);
        _instance = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        _startedAt = time.GetUtcNow();
        _view = new LeadershipView("standby", 0, Name, Url, null, null, null, [], database.Options.Shown, "not connected yet",
            HaOptions.Lease.TotalSeconds, HaOptions.TakeoverDelay.TotalSeconds);
    }

    public event Action<LeadershipMove>? TakingOver;

    public event Action<LeadershipMove>? Leading;

    public event Action<string>? SteppedDown;

    public string Name => _database.Options.Name;

    public string? Url => _database.Options.Url;

    public ControllerRole Role => _leading ? ControllerRole.Leader : ControllerRole.Standby;

    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>The advisory lock's key for a site: the first 8 bytes of SHA-256 over "heatgrid.leader:" and the site's name.</summary>
    public static long LockKey(string site) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("heatgrid.leader:" + site)), 0);

    public bool MayDispatch() => _leading && _time.GetElapsedTime(Interlocked.Read(ref _renewedAt)) < HaOptions.Lease;

    public LeadershipView View()
    {
        lock (_gate)
        {
            return _view;
        }
    }

    public void NewerEpochSeen(long seen, string where)
    {
        if (seen > Interlocked.Read(ref _epoch))
        {
            // The loop checks at its next step (within half a second): against the database, not against the message.
            Interlocked.Exchange(ref _newerSeen, Math.Max(Interlocked.Read(ref _newerSeen), seen));
            Log.HaNewerEpochSeen(_logger, seen, where, Epoch);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(HaOptions.PollEvery, _time);
        do
        {
            try
            {
                await StepAsync(stoppingToken);
                if (_alarms is not null && View().DatabaseProblem is null)
                {
                    _alarms.Clear(DatabaseAlarm);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Loop boundary: whatever failed (mostly the database: a broken connection, a timeout, a stopped server), this
                // controller stops leading if it did and tries again from a fresh connection; it never ends the process.
                await LostDatabaseAsync(e);
            }
        }
        while (await timer.TickOrStopAsync(stoppingToken) && !stoppingToken.IsCancellationRequested);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await ReleaseAsync(cancellationToken);
    }

    /// <summary>A clean stop: the lease is marked released (a standby follows at once), the lock given back, the connection closed.</summary>
    private async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        var leading = _leading;
        _leading = false;
        if (_connection is { } connection)
        {
            try
            {
                if (leading)
                {
                    await using var command = new NpgsqlCommand(
                        "UPDATE heatgrid_leader SET released = true WHERE site = @site AND holder = @holder AND epoch = @epoch", connection);
                    command.Parameters.AddWithValue("site", _database.Site);
                    command.Parameters.AddWithValue("holder", _instance);
                    command.Parameters.AddWithValue("epoch", Epoch);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                    Log.HaReleased(_logger, Epoch);
                }
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or OperationCanceledException)
            {
                Log.HaReleaseFailed(_logger, e.Message, HaOptions.TakeoverDelay.TotalSeconds);
            }

            await CloseAsync();
        }

        if (leading)
        {
            SteppedDown?.Invoke("this controller is stopping");
        }
    }

    private async Task StepAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(cancellationToken);
        var sentAt = _time.GetTimestamp();
        if (_leading)
        {
            if (!await RenewAsync(connection, cancellationToken))
            {
                await StepDownAsync("the lease row names another controller: it took over", raiseAlarm: true);
                return;
            }

            Interlocked.Exchange(ref _renewedAt, sentAt);
            var newer = Interlocked.Exchange(ref _newerSeen, 0);
            if (newer > Epoch)
            {
                await MoveAboveAsync(connection, newer, cancellationToken);
            }
        }
        else
        {
            Interlocked.Exchange(ref _newerSeen, 0);
            _holdsLock = _holdsLock || await TryLockAsync(connection, cancellationToken);
            if (_holdsLock)
            {
                await TryTakeOverAsync(connection, sentAt, cancellationToken);
            }
            else
            {
                await FreeStaleLockAsync(connection, cancellationToken);
            }
        }

        await HeartbeatAsync(connection, cancellationToken);
    }

    private async Task<NpgsqlConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: ConnectionState.Open } open)
        {
            return open;
        }

        await CloseAsync();
        var connection = new NpgsqlConnection(_database.Options.ConnectionString(dedicated: true, "heatgrid leadership " + Name));
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        _connection = connection;
        if (View().DatabaseProblem is { } was && was != "not connected yet")
        {
            Log.HaDatabaseBack(_logger, _database.Options.Shown);
        }

        return connection;
    }

    private async Task CloseAsync()
    {
        _holdsLock = false;
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                // Closing a broken connection: the server ends the session (and its lock) by itself.
            }
        }
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        command.Parameters.AddWithValue("key", _lockKey);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private async Task<bool> RenewAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE heatgrid_leader SET renewed_at = clock_timestamp()
            WHERE site = @site AND holder = @holder AND epoch = @epoch AND NOT released
            """, connection);
        command.Parameters.AddWithValue("site", _database.Site);
        command.Parameters.AddWithValue("holder", _instance);
        command.Parameters.AddWithValue("epoch", Epoch);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>With the lock held: takes over when the row is released, ours, or its lease ran out by the database's clock.</summary>
    private async Task TryTakeOverAsync(NpgsqlConnection connection, long sentAt, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("INSERT INTO heatgrid_leader (site) VALUES (@site) ON CONFLICT (site) DO NOTHING", connection, transaction))
        {
            insert.Parameters.AddWithValue("site", _database.Site);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        string? holder, holderName;
        long previousEpoch;
        bool released;
        double? age;
        await using (var read = new NpgsqlCommand("""
            SELECT holder, holder_name, epoch, released, extract(epoch FROM clock_timestamp() - renewed_at)::float8
            FROM heatgrid_leader WHERE site = @site FOR UPDATE
            """, connection, transaction))
        {
            read.Parameters.AddWithValue("site", _database.Site);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            holder = reader.IsDBNull(0) ? null : reader.GetString(0);
            holderName = reader.IsDBNull(1) ? null : reader.GetString(1);
            previousEpoch = reader.GetInt64(2);
            released = reader.GetBoolean(3);
            age = reader.IsDBNull(4) ? null : reader.GetDouble(4);
        }

        string why;
        if (holder is null)
        {
            why = "nobody led this site before";
        }
        else if (holder == _instance)
        {
            why = "this controller led before and had stopped dispatching";
        }
        else if (released)
        {
            why = $"{holderName} released leadership";
        }
        else if (age is not { } seconds || seconds >= HaOptions.TakeoverDelay.TotalSeconds)
        {
            why = $"{holderName}'s lease ran out ({age ?? double.NaN:0.0} s since its last renewal, takeover after {HaOptions.TakeoverDelay.TotalSeconds:0.#} s)";
        }
        else
        {
            // The lock is ours but the lease may still be current: a leader cut off from the database dispatches until it runs out.
            await transaction.RollbackAsync(cancellationToken);
            var waiting = $"{holderName} (epoch {previousEpoch})";
            if (_waitingFor != waiting)
            {
                _waitingFor = waiting;
                Log.HaWaitingForLease(_logger, waiting, HaOptions.TakeoverDelay.TotalSeconds - seconds);
            }

            return;
        }

        long epoch;
        await using (var next = new NpgsqlCommand("SELECT nextval('heatgrid_controller_epoch')", connection, transaction))
        {
            epoch = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
        }

        DateTimeOffset at;
        await using (var take = new NpgsqlCommand("""
            UPDATE heatgrid_leader SET holder = @holder, holder_name = @name, holder_url = @url, holder_pid = pg_backend_pid(),
                epoch = @epoch, since = clock_timestamp(), renewed_at = clock_timestamp(), released = false
            WHERE site = @site RETURNING since
            """, connection, transaction))
        {
            take.Parameters.AddWithValue("site", _database.Site);
            take.Parameters.AddWithValue("holder", _instance);
            take.Parameters.AddWithValue("name", Name);
            take.Parameters.AddWithValue("url", (object?)Url ?? DBNull.Value);
            take.Parameters.AddWithValue("epoch", epoch);
            at = (DateTimeOffset)(DateTime)(await take.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var move = new NpgsqlCommand("""
            INSERT INTO heatgrid_leadership_moves (site, at, epoch, leader, previous, previous_epoch, why)
            VALUES (@site, @at, @epoch, @leader, @previous, @previousEpoch, @why)
            """, connection, transaction))
        {
            move.Parameters.AddWithValue("site", _database.Site);
            move.Parameters.AddWithValue("at", at);
            move.Parameters.AddWithValue("epoch", epoch);
            move.Parameters.AddWithValue("leader", Name);
            move.Parameters.AddWithValue("previous", (object?)holderName ?? DBNull.Value);
            move.Parameters.AddWithValue("previousEpoch", holder is null ? DBNull.Value : (object)previousEpoch);
            move.Parameters.AddWithValue("why", why);
            await move.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        _waitingFor = null;
        var taken = new LeadershipMove(epoch, at, Name, holderName, holder is null ? null : previousEpoch, why);
        Interlocked.Exchange(ref _epoch, epoch);
        Interlocked.Exchange(ref _renewedAt, sentAt);
        try
        {
            TakingOver?.Invoke(taken);
        }
        catch (Exception e)
        {
            // Boundary: what takes over (the sequencer, the state's reload) failed; leading without it would dispatch on stale state.
            Log.HaTakeoverFailed(_logger, e);
            await StepDownAsync($"taking over failed: {e.GetType().Name}: {e.Message}", raiseAlarm: true);
            return;
        }

        _leading = true;
        _alarms?.Clear(SteppedDownAlarm);
        lock (_gate)
        {
            _view = _view with { Role = "leader", Epoch = epoch, Leader = Name, LeaderUrl = Url, LeaderSince = at, LastMove = taken };
        }

        Log.HaLeading(_logger, Name, epoch, why);
        Leading?.Invoke(taken);
    }

    /// <summary>A lock held by a session that has renewed nothing long past the takeover delay: a host gone without closing its connection.</summary>
    private async Task FreeStaleLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT l.holder_name, l.holder_pid, extract(epoch FROM clock_timestamp() - l.renewed_at)::float8
            FROM heatgrid_leader l
            WHERE l.site = @site AND l.holder_pid IS NOT NULL AND l.holder_pid <> pg_backend_pid()
              AND (l.released OR l.renewed_at < clock_timestamp() - make_interval(secs => @stale))
              AND EXISTS (SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory' AND k.granted AND k.pid = l.holder_pid
                          AND k.classid = @high::bigint::oid AND k.objid = @low::bigint::oid AND k.objsubid = 1)
            """, connection);
        command.Parameters.AddWithValue("site", _database.Site);
        command.Parameters.AddWithValue("stale", (HaOptions.TakeoverDelay + StaleSessionGrace).TotalSeconds);
        command.Parameters.AddWithValue("high", unchecked((long)(uint)(_lockKey >> 32)));
        command.Parameters.AddWithValue("low", unchecked((long)(uint)_lockKey));
        string? name = null;
        int pid = 0;
        double age = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                (name, pid, age) = (reader.IsDBNull(0) ? "?" : reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? double.NaN : reader.GetDouble(2));
            }
        }

        if (name is null)
        {
            return;
        }

        await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", connection);
        terminate.Parameters.AddWithValue("pid", pid);
        var done = await terminate.ExecuteScalarAsync(cancellationToken) is true;
        Log.HaStaleSessionTerminated(_logger, name, pid, age, done);
    }

    /// <summary>Still leading with a newer epoch seen: the sequence moves above it, in the database, under our lease.</summary>
    private async Task MoveAboveAsync(NpgsqlConnection connection, long seen, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var raise = new NpgsqlCommand(
            "SELECT setval('heatgrid_controller_epoch', GREATEST(@seen, (SELECT last_value FROM heatgrid_controller_epoch)))", connection, transaction))
        {
            raise.Parameters.AddWithValue("seen", seen);
            await raise.ExecuteNonQueryAsync(cancellationToken);
        }

        long epoch;
        await using (var next = new NpgsqlCommand("SELECT nextval('heatgrid_controller_epoch')", connection, transaction))
        {
            epoch = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var take = new NpgsqlCommand("UPDATE heatgrid_leader SET epoch = @epoch WHERE site = @site AND holder = @holder AND epoch = @old AND NOT released",
            connection, transaction))
        {
            take.Parameters.AddWithValue("site", _database.Site);
            take.Parameters.AddWithValue("holder", _instance);
            take.Parameters.AddWithValue("epoch", epoch);
            take.Parameters.AddWithValue("old", Epoch);
            if (await take.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                await StepDownAsync("the lease row names another controller: it took over", raiseAlarm: true);
                return;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        var old = Epoch;
        var move = new LeadershipMove(epoch, _time.GetUtcNow(), Name, Name, old, $"epoch {seen} was seen above this leader's {old}: moved above it");
        _leading = false;   // no batch of the old epoch while the sequencer moves
        Interlocked.Exchange(ref _epoch, epoch);
        TakingOver?.Invoke(move);
        _leading = true;
        Leading?.Invoke(move);
        _alarms?.Raise(SteppedDownAlarm, $"an epoch ({seen}) above this leader's ({old}) was seen: another controller commands the agents without this "
            + $"database (one run without --ha?); this leader moved to epoch {epoch}", AlarmSeverity.Critical);
        lock (_gate)
        {
            _view = _view with { Epoch = epoch, LastMove = move };
        }
    }

    private async Task HeartbeatAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var beat = new NpgsqlCommand("""
            INSERT INTO heatgrid_controllers (site, name, url, role, epoch, started_at, seen_at)
            VALUES (@site, @name, @url, @role, @epoch, @started, clock_timestamp())
            ON CONFLICT (site, name) DO UPDATE SET url = excluded.url, role = excluded.role, epoch = excluded.epoch,
                started_at = excluded.started_at, seen_at = excluded.seen_at
            """, connection))
        {
            beat.Parameters.AddWithValue("site", _database.Site);
            beat.Parameters.AddWithValue("name", Name);
            beat.Parameters.AddWithValue("url", (object?)Url ?? DBNull.Value);
            beat.Parameters.AddWithValue("role", _leading ? "leader" : "standby");
            beat.Parameters.AddWithValue("epoch", Epoch);
            beat.Parameters.AddWithValue("started", _startedAt);
            await beat.ExecuteNonQueryAsync(cancellationToken);
        }

        var peers = new List<ControllerPeer>();
        await using (var read = new NpgsqlCommand("""
            SELECT name, url, role, epoch, extract(epoch FROM clock_timestamp() - seen_at)::float8 FROM heatgrid_controllers
            WHERE site = @site AND name <> @name AND seen_at > clock_timestamp() - make_interval(secs => @forget) ORDER BY name
            """, connection))
        {
            read.Parameters.AddWithValue("site", _database.Site);
            read.Parameters.AddWithValue("name", Name);
            read.Parameters.AddWithValue("forget", PeerForgottenAfter.TotalSeconds);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                peers.Add(new ControllerPeer(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetInt64(3),
                    Math.Round(reader.GetDouble(4), 1)));
            }
        }

        string? leader = null, leaderUrl = null;
        DateTimeOffset? since = null;
        long leaderEpoch = 0;
        await using (var row = new NpgsqlCommand("SELECT holder_name, holder_url, since, epoch, released FROM heatgrid_leader WHERE site = @site", connection))
        {
            row.Parameters.AddWithValue("site", _database.Site);
            await using var reader = await row.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken) && !reader.GetBoolean(4))
            {
                leader = reader.IsDBNull(0) ? null : reader.GetString(0);
                leaderUrl = reader.IsDBNull(1) ? null : reader.GetString(1);
                since = reader.IsDBNull(2) ? null : new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero);
                leaderEpoch = reader.GetInt64(3);
            }
        }

        LeadershipMove? last = View().LastMove;
        if (last is null || last.Epoch != leaderEpoch)
        {
            await using var moves = new NpgsqlCommand(
                "SELECT epoch, at, leader, previous, previous_epoch, why FROM heatgrid_leadership_moves WHERE site = @site ORDER BY id DESC LIMIT 1", connection);
            moves.Parameters.AddWithValue("site", _database.Site);
            await using var reader = await moves.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                last = new LeadershipMove(reader.GetInt64(0), new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.GetString(5));
            }
        }

        if (!_leading && leaderEpoch > Interlocked.Read(ref _epoch))
        {
            Interlocked.Exchange(ref _epoch, leaderEpoch);
        }

        lock (_gate)
        {
            _view = _view with
            {
                Role = _leading ? "leader" : "standby",
                Epoch = Epoch,
                Leader = leader,
                LeaderUrl = leaderUrl,
                LeaderSince = since,
                Peers = peers,
                DatabaseProblem = null,
                LastMove = last,
            };
        }
    }

    private async Task LostDatabaseAsync(Exception e)
    {
        var problem = $"{e.GetType().Name}: {e.Message}";
        var first = View().DatabaseProblem is null or "not connected yet";
        lock (_gate)
        {
            _view = _view with { DatabaseProblem = problem };
        }

        if (_leading)
        {
            await StepDownAsync($"the database is lost ({problem})", raiseAlarm: true);
        }
        else
        {
            await CloseAsync();
        }

        if (first)
        {
            Log.HaDatabaseLost(_logger, _database.Options.Shown, problem);
        }

        _alarms?.Hold(DatabaseAlarm, $"the HA database {_database.Options.Shown} cannot be reached ({problem}): "
            + (Role == ControllerRole.Leader ? "leading" : "this controller does not dispatch"), AlarmSeverity.Critical);
    }

    private async Task StepDownAsync(string why, bool raiseAlarm)
    {
        var wasLeading = _leading;
        _leading = false;
        await CloseAsync();
        if (!wasLeading)
        {
            return;
        }

        var at = _time.GetUtcNow();
        lock (_gate)
        {
            _view = _view with { Role = "standby", SteppedDown = $"{at:o}: {why}" };
        }

        Log.HaSteppedDown(_logger, Epoch, why);
        if (raiseAlarm)
        {
            _alarms?.Raise(SteppedDownAlarm, $"this controller stopped leading (epoch {Epoch}): {why}; it stopped dispatching", AlarmSeverity.Critical);
        }

        SteppedDown?.Invoke(why);
    }
}
