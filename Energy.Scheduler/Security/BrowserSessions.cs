using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Energy.Scheduler.Security;

/// <summary>
/// The browser's sessions, in memory (a restart logs everyone out): made by <c>POST /api/session</c> with an API key,
/// named by the <c>hg_session</c> cookie, each with its own CSRF token. A session holds the user's name and key id, not
/// the role: the role is read from <see cref="UserDirectory"/> on each request, so a revoked key or a removed user ends
/// the session at once. A session lasts <see cref="Lifetime"/> from its login.
/// </summary>
public sealed class BrowserSessions(TimeProvider time)
{
    public const string Cookie = "hg_session";
    public const string CsrfHeader = "X-CSRF-Token";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary>Sessions kept at most; logins beyond it drop the expired ones first, then the oldest.</summary>
    public const int MaxSessions = 1000;

    private readonly ConcurrentDictionary<string, BrowserSession> _sessions = new(StringComparer.Ordinal);

    public BrowserSession Open(ApiUser user, string keyId)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetUtcNow();
        if (_sessions.Count >= MaxSessions)
        {
            foreach (var old in _sessions.Values.Where(s => s.Expires <= now).Concat(_sessions.Values.OrderBy(s => s.Expires)).Take(_sessions.Count - MaxSessions + 1).ToList())
            {
                _sessions.TryRemove(old.Id, out _);
            }
        }

        var session = new BrowserSession(Token(), Token(), user.Name, keyId, now + Lifetime);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The session named <paramref name="id"/> while it lasts, else null (an expired one is dropped).</summary>
    public BrowserSession? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        if (session.Expires > time.GetUtcNow())
        {
            return session;
        }

        _sessions.TryRemove(id, out _);
        return null;
    }

    public bool Close(string? id) => id is not null && _sessions.TryRemove(id, out _);

    /// <summary>Whether <paramref name="presented"/> is <paramref name="session"/>'s CSRF token (compared in constant time).</summary>
    public static bool CsrfMatches(BrowserSession session, string? presented)
    {
        ArgumentNullException.ThrowIfNull(session);
        return presented is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(presented), System.Text.Encoding.UTF8.GetBytes(session.CsrfToken));
    }

    private static string Token() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>One browser session: its cookie value, its CSRF token, whose key opened it, and when it ends.</summary>
public sealed record BrowserSession(string Id, string CsrfToken, string User, string KeyId, DateTimeOffset Expires);
