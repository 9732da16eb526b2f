using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Security;

/// <summary>
/// The users the running API checks keys against: <c>DATA/users.json</c>, read again whenever the file changes, so that
/// <c>heatgrid users add|key|revoke|remove</c> take effect without a restart. A file that cannot be used keeps the last
/// good users (none at first: then every request is refused, never opened). With no users the API is
/// <see cref="IsOpen"/> only where it listens on loopback.
/// </summary>
public sealed class UserDirectory
{
    private readonly Lock _lock = new();
    private readonly bool _openWhenEmpty;
    private readonly ILogger _logger;
    private (DateTime Written, long Length)? _stamp;
    private IReadOnlyList<ApiUser> _users = [];
    private bool _usable = true;
    private bool _checked;

    public UserDirectory(string dataFolder, bool openWhenEmpty, ILogger<UserDirectory> logger)
    {
        FilePath = UsersFile.PathIn(dataFolder);
        _openWhenEmpty = openWhenEmpty;
        _logger = logger;
        Refresh();
    }

    public string FilePath { get; }

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

    private void Refresh()
    {
        var info = new FileInfo(FilePath);
        (DateTime, long)? stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
        lock (_lock)
        {
            if (_checked && stamp == _stamp)
            {
                return;
            }

            (_checked, _stamp) = (true, stamp);
            var (users, problem) = UsersFile.Read(FilePath);
            if (users is null)
            {
                _usable = _users.Count > 0;
                Log.UsersFileRefused(_logger, FilePath, _users.Count, problem!);
                return;
            }

            _usable = true;
            if (users.Count == 0 && _users.Count > 0)
            {
                Log.UsersNoneLeft(_logger, FilePath);
            }

            _users = users;
            Log.UsersRead(_logger, FilePath, users.Count, users.Sum(u => u.Keys.Count));
        }
    }
}
