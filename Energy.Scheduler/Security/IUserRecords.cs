namespace Energy.Scheduler.Security;

/// <summary>
/// Where the API's users and their keys' hashes are kept: <c>DATA/users.json</c> (<see cref="UsersFileRecords"/>, the
/// default) or, with <c>--ha</c>, the database the site's controllers share (<see cref="Ha.PgUserRecords"/>). The checks
/// (<see cref="UserStore"/>) and the lookups (<see cref="UserDirectory"/>) are the same for both.
/// </summary>
public interface IUserRecords
{
    /// <summary>Where they are, as messages name it (a path, or the database without its password).</summary>
    string Where { get; }

    /// <summary>The users: none where nothing was ever written; null and the problem where they cannot be used (or reached).</summary>
    (IReadOnlyList<ApiUser>? Users, string? Problem) Read();

    /// <summary>Keeps <paramref name="change"/>, checked already against the users read; <paramref name="after"/> is all of them with it made.</summary>
    /// <exception cref="UserStoreException">Nothing was changed; the message says why.</exception>
    void Apply(UserChange change, IReadOnlyList<ApiUser> after);
}

/// <summary>One change made by a <c>heatgrid users</c> verb.</summary>
public abstract record UserChange
{
    private UserChange()
    {
    }

    public sealed record AddUser(ApiUser User) : UserChange;

    public sealed record AddKey(string Name, ApiKeyRecord Key) : UserChange;

    public sealed record RemoveUser(string Name) : UserChange;

    public sealed record RemoveKey(string Name, string KeyId) : UserChange;
}

/// <summary>The users in <c>DATA/users.json</c>: each change writes the whole file again (<see cref="UsersFile"/>).</summary>
public sealed class UsersFileRecords(string path) : IUserRecords
{
    public string Where { get; } = path;

    public (IReadOnlyList<ApiUser>? Users, string? Problem) Read() => UsersFile.Read(Where);

    public void Apply(UserChange change, IReadOnlyList<ApiUser> after)
    {
        try
        {
            UsersFile.Write(Where, after);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserStoreException($"{Where}: cannot be written, nothing changed: {e.Message}");
        }
    }
}
