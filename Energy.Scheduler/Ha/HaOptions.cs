using System.Globalization;
using Npgsql;

namespace Energy.Scheduler.Ha;

/// <summary>
/// <c>heatgrid controller --ha postgres://USER@HOST:PORT/DATABASE</c>: the PostgreSQL database every controller of a site
/// shares, for leadership and for the state the leader keeps (policy versions, curtailments…). The password comes from
/// <see cref="PasswordVariable"/> (or <c>--ha-password-file</c>), never from the URI, which every user of a host can read
/// in its process list.
/// <para>
/// The timing is the promise that no two controllers dispatch at once: the leader renews its lease every
/// <see cref="RenewEvery"/> and stops dispatching when a renewal has not succeeded for <see cref="Lease"/> (measured on
/// its own monotonic clock from before it sent the renewal); a standby takes over only when the database's clock says
/// the lease was last renewed <see cref="TakeoverDelay"/> ago, which is the lease plus <see cref="ClockMargin"/>.
/// </para>
/// </summary>
public sealed record HaOptions(string Host, int Port, string Database, string User, string Password)
{
    public const string PasswordVariable = "HEATGRID_HA_PASSWORD";

    /// <summary>The leader renews its lease this often (and a standby looks this often whether it may lead).</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromMilliseconds(500);

    /// <summary>A leader whose renewals have failed this long stops dispatching (it has lost the database).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    /// <summary>What the takeover delay adds to the lease: the rate difference of two clocks over a lease, the poll and a
    /// renewal's time in flight — as the agents allow a second of skew, twice that.</summary>
    public static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(2);

    /// <summary>How long after the lease was last renewed (the database's clock) a standby may take over.</summary>
    public static TimeSpan TakeoverDelay => Lease + ClockMargin;

    /// <summary>How often the leadership's loop runs: a leader renews, a standby looks whether it may lead.</summary>
    public static TimeSpan PollEvery => RenewEvery;

    /// <summary>A database command that takes longer than this has failed (a renewal included).</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(2);

    /// <summary>SSL mode from the URI's <c>sslmode</c> (disable, prefer, require, verify-ca, verify-full); Npgsql's default otherwise.</summary>
    public SslMode? SslMode { get; init; }

    /// <summary>The name this controller goes by among its peers (<c>--ha-name</c>, default the host name and HTTP port).</summary>
    public string Name { get; init; } = Environment.MachineName;

    /// <summary>Where peers and clients reach this controller's API (<c>--ha-url</c>, default the address it listens on).</summary>
    public string? Url { get; init; }

    /// <summary>The URI as shown in logs and status: no password.</summary>
    public string Shown => string.Create(CultureInfo.InvariantCulture, $"postgres://{User}@{Host}:{Port}/{Database}");

    /// <summary>The connection string; <paramref name="dedicated"/> for the leadership's own connection (no pool: a broken
    /// connection is never handed out again with its session's lock silently gone).</summary>
    public string ConnectionString(bool dedicated, string applicationName)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Database = Database,
            Username = User,
            Password = Password,
            ApplicationName = applicationName,
            Timeout = 3,
            CommandTimeout = (int)CommandTimeout.TotalSeconds,
            CancellationTimeout = 1000,
            TcpKeepAlive = true,
            Pooling = !dedicated,
        };
        if (SslMode is { } ssl)
        {
            builder.SslMode = ssl;
        }

        if (dedicated)
        {
            builder.KeepAlive = 1;
        }

        return builder.ConnectionString;
    }

    /// <summary>Reads <c>postgres://USER@HOST[:PORT]/DATABASE[?sslmode=…]</c>; the password from <paramref name="password"/>.</summary>
    public static bool TryParse(string uri, string? password, out HaOptions? options, out string? error)
    {
        options = null;
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("postgres" or "postgresql"))
        {
            error = $"--ha: expected postgres://USER@HOST:PORT/DATABASE, got '{uri}'";
            return false;
        }

        var userInfo = Uri.UnescapeDataString(parsed.UserInfo);
        if (userInfo.Contains(':', StringComparison.Ordinal))
        {
            error = $"--ha: put no password in the URI (every user of this host can read it in the process list): give it in {PasswordVariable} or --ha-password-file";
            return false;
        }

        var database = Uri.UnescapeDataString(parsed.AbsolutePath.TrimStart('/'));
        if (userInfo.Length == 0 || database.Length == 0 || database.Contains('/', StringComparison.Ordinal) || parsed.Host.Length == 0)
        {
            error = $"--ha: expected postgres://USER@HOST:PORT/DATABASE (a user, a host and one database), got '{uri}'";
            return false;
        }

        if (string.IsNullOrEmpty(password))
        {
            error = $"--ha: no password: set {PasswordVariable} or give --ha-password-file FILE";
            return false;
        }

        SslMode? ssl = null;
        foreach (var pair in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.IndexOf('=', StringComparison.Ordinal) is var i and >= 0 ? (pair[..i], Uri.UnescapeDataString(pair[(i + 1)..])) : (pair, "");
            if (key == "sslmode" && Enum.TryParse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode))
            {
                ssl = mode;
            }
            else
            {
                error = $"--ha: unknown or bad URI parameter '{pair}' (only sslmode=disable|prefer|require|verify-ca|verify-full)";
                return false;
            }
        }

        options = new HaOptions(parsed.Host, parsed.IsDefaultPort || parsed.Port < 0 ? 5432 : parsed.Port, database, userInfo, password) { SslMode = ssl };
        error = null;
        return true;
    }

    public override string ToString() => Shown;
}
