using System.Text.RegularExpressions;

namespace Energy.Scheduler.Security;

/// <summary>
/// The users changed by the <c>heatgrid users</c> verbs, in the users file or the shared database (<see cref="IUserRecords"/>):
/// each change is checked against the users read, then kept (the file written again atomically; in the database one
/// statement, so two changes at once from two hosts both stay). Mistakes (an unknown role, a second user of one name, a tenant without its tenant) are
/// <see cref="UserStoreException"/>s whose message is the sentence to show.
/// </summary>
public sealed partial class UserStore
{
    private readonly List<ApiUser> _users;
    private readonly TimeProvider _time;
    private readonly IUserRecords _records;

    private UserStore(IUserRecords records, List<ApiUser> users, TimeProvider time) => (_records, _users, _time) = (records, users, time);

    /// <summary>Where the users are kept: the file's path, or the database.</summary>
    public string Where => _records.Where;

    public IReadOnlyList<ApiUser> Users => _users;

    /// <exception cref="UserStoreException">The file exists but cannot be used.</exception>
    public static UserStore Open(string dataFolder, TimeProvider time) =>
        Open(new UsersFileRecords(UsersFile.PathIn(dataFolder)), time, " (move it aside to start over)");

    /// <exception cref="UserStoreException">The users cannot be read (the database is away…).</exception>
    public static UserStore Open(IUserRecords records, TimeProvider time) => Open(records, time, string.Empty);

    private static UserStore Open(IUserRecords records, TimeProvider time, string remedy)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(time);
        var (users, problem) = records.Read();
        return users is null ? throw new UserStoreException(problem + remedy) : new UserStore(records, [.. users], time);
    }

    /// <summary>Adds a user with its first key, saved; returns that key (shown once).</summary>
    public ApiKey Add(string name, string role, string? tenant)
    {
        if (!ValidName().IsMatch(name ?? string.Empty))
        {
            throw new UserStoreException($"user name '{name}': expected 1 to 64 letters, digits, '.', '_', '-' or '@'");
        }

        if (!ApiRoles.TryParse(role, out var parsed))
        {
            throw new UserStoreException($"--role: unknown role '{role}'; expected one of {string.Join(", ", ApiRoles.Names)}");
        }

        tenant = string.IsNullOrWhiteSpace(tenant) ? null : tenant.Trim();
        if (parsed == ApiRole.Tenant && tenant is null)
        {
            throw new UserStoreException("--role tenant: give the tenant it may see with --tenant NAME (as the site file's tenant: of its inference workload)");
        }

        if (parsed != ApiRole.Tenant && tenant is not null)
        {
            throw new UserStoreException($"--tenant: only with --role tenant (a {parsed.Name()} is not limited to one tenant)");
        }

        if (Find(name!) is not null)
        {
            throw new UserStoreException($"user '{name}' exists already; 'heatgrid users key {name}' gives it another key");
        }

        var key = ApiKey.Create();
        var user = new ApiUser(name!, parsed, tenant, [Record(key)]);
        Save(new UserChange.AddUser(user), [.. _users, user]);
        return key;
    }

    /// <summary>Gives <paramref name="name"/> another key, saved; its other keys stay valid until revoked.</summary>
    public ApiKey NewKey(string name)
    {
        var user = Find(name) ?? throw Unknown(name);
        var key = ApiKey.Create();
        var record = Record(key);
        Save(new UserChange.AddKey(user.Name, record), [.. _users.Select(u => u == user ? user with { Keys = [.. user.Keys, record] } : u)]);
        return key;
    }

    public ApiUser Remove(string name)
    {
        var user = Find(name) ?? throw Unknown(name);
        Save(new UserChange.RemoveUser(user.Name), [.. _users.Where(u => u != user)]);
        return user;
    }

    /// <summary>Removes the key <paramref name="keyId"/> (the id part of <c>hg_ID_…</c>, or the whole key); returns its user as it is now.</summary>
    public ApiUser Revoke(string keyId)
    {
        var id = ApiKey.TryParse(keyId, out var whole) ? whole!.Id : keyId?.Trim() ?? string.Empty;
        var user = _users.FirstOrDefault(u => u.Keys.Any(k => k.Id == id))
            ?? throw new UserStoreException($"no key '{id}' (the id is the part after hg_, before the second _; 'heatgrid users list' shows them)");
        var left = user with { Keys = [.. user.Keys.Where(k => k.Id != id)] };
        Save(new UserChange.RemoveKey(user.Name, id), [.. _users.Select(u => u == user ? left : u)]);
        return left;
    }

    private ApiUser? Find(string name) => _users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase));

    private ApiKeyRecord Record(ApiKey key) => new(key.Id, key.SecretSha256, _time.GetUtcNow());

    private static UserStoreException Unknown(string name) => new($"no user '{name}' ('heatgrid users list' shows them)");

    /// <summary>Keeps <paramref name="change"/>; only then do the users read here become <paramref name="after"/>.</summary>
    private void Save(UserChange change, List<ApiUser> after)
    {
        _records.Apply(change, after);
        _users.Clear();
        _users.AddRange(after);
    }

    [GeneratedRegex(@"^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex ValidName();
}
