using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Security;

/// <summary>
/// The users the running API checks keys against. From <c>DATA/users.json</c>: read again whenever the file changes, so
/// that <c>heatgrid users add|key|revoke|remove</c> take effect without a restart. With <c>--ha</c>, from the database the
/// site's controllers share (<see cref="Ha.PgUserRecords"/>): read again every <see cref="PollEvery"/> in the background, so
/// a change made through any controller or the CLI holds on every controller within that. Users that cannot be read (a
/// broken file, a database away) leave the last good users in force (none at first: then every request is refused, never
/// opened). With no users the API is <see cref="IsOpen"/> only where it listens on loopback — decided here, the same for both.
/// </summary>
public sealed class UserDirectory : IDisposable
{
    /// <summary>How often the users in a shared database are read again.</summary>
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly bool _openWhenEmpty;
    private readonly ILogger _logger;
    private readonly IUserRecords _records;
    private readonly string? _filePath;
    private readonly ITimer? _timer;
    private (DateTime Written, long Length)? _stamp;
    private IReadOnlyList<ApiUser> _users = [];
    private string? _read;
    private bool _usable = true;
    private bool _checked;
    private bool _failing;
    private int _polling;

    /// <summary>The users file of <paramref name="dataFolder"/>, read again on access when it changed.</summary>
    public UserDirectory(string dataFolder, bool openWhenEmpty, ILogger<UserDirectory> logger)
    {
        _filePath = UsersFile.PathIn(dataFolder);
        _records = new UsersFileRecords(_filePath);
        _openWhenEmpty = openWhenEmpty;
        _logger = logger;
        Refresh();
    }

    /// <summary>Users kept elsewhere (the shared database): read now, then every <paramref name="pollEvery"/> on <paramref name="time"/>'s timer; never on a request's path.</summary>
    public UserDirectory(IUserRecords records, bool openWhenEmpty, ILogger<UserDirectory> logger, TimeProvider time, TimeSpan pollEvery)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(time);
        _records = records;
        _openWhenEmpty = openWhenEmpty;
        _logger = logger;
        Reload();
        _timer = time.CreateTimer(_ => Poll(), null, pollEvery, pollEvery);
    }

    /// <summary>Where the users are kept: the file's path, or the database.</summary>
    public string Where => _records.Where;

    /// <summary>No users and listening on loopback only: every request is answered, as before users existed.</summary>
    public bool IsOpen
    {
        get
        {
            Refresh();
            lock (_lock)
            {
                return _openWhenEmpty && _usable && _users.Count == 0;
            }
        }
    }

    public IReadOnlyList<ApiUser> Users
    {
        get
        {
            Refresh();
            lock (_lock)
            {
                return _users;
            }
        }
    }

    /// <summary>The user whose key <paramref name="presented"/> is, or null and why not (never the key itself).</summary>
    public (ApiUser? User, string? Refusal) Authenticate(string presented)
    {
        if (!ApiKey.TryParse(presented, out var key))
        {
            return (null, "not a HeatGrid API key (hg_ID_SECRET)");
        }

        var owner = Users.Select(u => (User: u, Key: u.Keys.FirstOrDefault(k => k.Id == key!.Id))).FirstOrDefault(m => m.Key is not null);
        if (owner.Key is null)
        {
            key!.Matches(new string('0', 64));   // the same work as a known id: the answer's time does not tell ids apart
            return (null, $"no key {key} (revoked, or never made)");
        }

        return key!.Matches(owner.Key.SecretSha256) ? (owner.User, null) : (null, $"key {key} does not match");
    }

    /// <summary>Reads the users again now (the shared database's poll does this; for the file, access does when it changed).</summary>
    public void Reload()
    {
        var (users, problem) = _records.Read();
        lock (_lock)
        {
            Take(users, problem);
        }
    }

    public void Dispose() => _timer?.Dispose();

    private void Poll()
    {
        if (Interlocked.Exchange(ref _polling, 1) == 1)
        {
            return;                                 // the last read still waits on the database
        }

        try
        {
            Reload();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A timer's callback must not throw (the process would end): whatever failed is a read that failed.
            lock (_lock)
            {
                Take(null, $"{Where}: cannot be read: {e.Message}");
            }
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    private void Refresh()
    {
        if (_filePath is null)
        {
            return;
        }

        var info = new FileInfo(_filePath);
        (DateTime, long)? stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
        lock (_lock)
        {
            if (_checked && stamp == _stamp)
            {
                return;
            }

            (_checked, _stamp) = (true, stamp);
            var (users, problem) = _records.Read();
            Take(users, problem);
        }
    }

    /// <summary>Under the lock: the users just read, or (null) the problem that leaves the last good ones in force.</summary>
    private void Take(IReadOnlyList<ApiUser>? users, string? problem)
    {
        if (users is null)
        {
            _usable = _users.Count > 0;
            if (_filePath is not null)
            {
                Log.UsersFileRefused(_logger, _filePath, _users.Count, problem!);
            }
            else if (!_failing)
            {
                Log.UsersSharedUnreadable(_logger, Where, _users.Count, problem!);
            }

            _failing = true;
            return;
        }

        _usable = true;
        if (_filePath is null && _failing)
        {
            Log.UsersSharedBack(_logger, Where);
        }

        _failing = false;
        var read = string.Join('\n', users.Select(u => $"{u.Name} {u.Role} {u.Tenant} {string.Join(',', u.Keys.Select(k => k.Id + ":" + k.SecretSha256))}"));
        if (_filePath is null && read == _read)
        {
            return;                                 // polled and unchanged: nothing to log
        }

        _read = read;
        if (users.Count == 0 && _users.Count > 0)
        {
            if (_filePath is null)
            {
                Log.UsersSharedNoneLeft(_logger, Where);
            }
            else
            {
                Log.UsersNoneLeft(_logger, Where);
            }
        }

        _users = users;
        if (_filePath is null)
        {
            Log.UsersSharedRead(_logger, Where, users.Count, users.Sum(u => u.Keys.Count));
        }
        else
        {
            Log.UsersRead(_logger, Where, users.Count, users.Sum(u => u.Keys.Count));
        }
    }
}
