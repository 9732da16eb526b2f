using System.Text.RegularExpressions;

namespace Energy.Scheduler.Security;

/// <summary>
/// The users file changed by the <c>heatgrid users</c> verbs: each change is checked, then the whole file is written
/// again atomically. Mistakes (an unknown role, a second user of one name, a tenant without its tenant) are
/// <see cref="UserStoreException"/>s whose message is the sentence to show.
/// </summary>
public sealed partial class UserStore
{
    private readonly List<ApiUser> _users;
    private readonly TimeProvider _time;

    private UserStore(string path, List<ApiUser> users, TimeProvider time) => (FilePath, _users, _time) = (path, users, time);

    public string FilePath { get; }

    public IReadOnlyList<ApiUser> Users => _users;

    /// <exception cref="UserStoreException">The file exists but cannot be used.</exception>
    public static UserStore Open(string dataFolder, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var path = UsersFile.PathIn(dataFolder);
        var (users, problem) = UsersFile.Read(path);
        return users is null ? throw new UserStoreException(problem + " (move it aside to start over)") : new UserStore(path, [.. users], time);
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
        _users.Add(new ApiUser(name!, parsed, tenant, [Record(key)]));
        Save();
        return key;
    }

    /// <summary>Gives <paramref name="name"/> another key, saved; its other keys stay valid until revoked.</summary>
    public ApiKey NewKey(string name)
    {
        var user = Find(name) ?? throw Unknown(name);
        var key = ApiKey.Create();
        _users[_users.IndexOf(user)] = user with { Keys = [.. user.Keys, Record(key)] };
        Save();
        return key;
    }

    public ApiUser Remove(string name)
    {
        var user = Find(name) ?? throw Unknown(name);
        _users.Remove(user);
        Save();
        return user;
    }

    /// <summary>Removes the key <paramref name="keyId"/> (the id part of <c>hg_ID_…</c>, or the whole key); returns its user as it is now.</summary>
    public ApiUser Revoke(string keyId)
    {
        var id = ApiKey.TryParse(keyId, out var whole) ? whole!.Id : keyId?.Trim() ?? string.Empty;
        var user = _users.FirstOrDefault(u => u.Keys.Any(k => k.Id == id))
            ?? throw new UserStoreException($"no key '{id}' (the id is the part after hg_, before the second _; 'heatgrid users list' shows them)");
        var left = user with { Keys = [.. user.Keys.Where(k => k.Id != id)] };
        _users[_users.IndexOf(user)] = left;
        Save();
        return left;
    }

    private ApiUser? Find(string name) => _users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase));

    private ApiKeyRecord Record(ApiKey key) => new(key.Id, key.SecretSha256, _time.GetUtcNow());

    private static UserStoreException Unknown(string name) => new($"no user '{name}' ('heatgrid users list' shows them)");

    private void Save()
    {
        try
        {
            UsersFile.Write(FilePath, _users);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserStoreException($"{FilePath}: cannot be written, nothing changed: {e.Message}");
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex ValidName();
}
