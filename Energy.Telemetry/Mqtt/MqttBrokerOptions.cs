using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// Where and how an <see cref="MqttLink"/> connects. Parsed from <c>mqtt://USER:PASS@HOST:PORT</c> or
/// <c>mqtts://…</c> (TLS); the port defaults to 1883 / 8883 (IANA). User and password are
/// percent-encoded in the URI (RFC 3986 §3.2.1), so <c>p%40ss</c> is the password <c>p@ss</c>.
/// </summary>
public sealed record MqttBrokerOptions
{
    public const int DefaultPort = 1883;

    public const int DefaultTlsPort = 8883;

    public required string Host { get; init; }

    public int Port { get; init; } = DefaultPort;

    public bool UseTls { get; init; }

    /// <summary>For self-signed brokers on site; off by default.</summary>
    public bool AllowUntrustedCertificates { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Fixed, so that the broker keeps our persistent session across reconnects and restarts.</summary>
    public required string ClientId { get; init; }

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the broker keeps our session, and the QoS 1 messages queued for it, while we are away.</summary>
    public TimeSpan SessionExpiry { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take from TCP connect to CONNACK, and a ping to its answer.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Last will: "offline" retained on an unclean loss (and on a clean stop); "online" retained on each connect.</summary>
    public string? StatusTopic { get; init; }

    /// <summary>Parses a broker URI; <paramref name="error"/> says what is wrong with a bad one.</summary>
    public static bool TryParse(string uri, string clientId, [NotNullWhen(true)] out MqttBrokerOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = null;
        error = Check(uri, clientId, out var parsed);
        if (error is not null)
        {
            return false;
        }

        var tls = parsed!.Scheme == "mqtts";
        string? user = null;
        string? password = null;
        if (parsed.UserInfo.Length > 0)
        {
            // Split before unescaping: a ':' inside the user name arrives as %3A and stays part of it.
            var colon = parsed.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? parsed.UserInfo : parsed.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(parsed.UserInfo[(colon + 1)..]);
        }

        options = new MqttBrokerOptions
        {
            Host = parsed.DnsSafeHost,
            Port = parsed.IsDefaultPort || parsed.Port < 0 ? (tls ? DefaultTlsPort : DefaultPort) : parsed.Port,
            UseTls = tls,
            Username = user,
            Password = password,
            ClientId = clientId,
        };
        return true;
    }

    /// <summary>Scheme, user, host and port; never the password, since this goes into logs.</summary>
    public override string ToString()
    {
        var host = Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host;
        var user = Username is null ? "" : Uri.EscapeDataString(Username) + "@";
        return string.Create(CultureInfo.InvariantCulture, $"{(UseTls ? "mqtts" : "mqtt")}://{user}{host}:{Port}");
    }

    private static string? Check(string uri, string clientId, out Uri? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(clientId))
        {
            return "the MQTT client id is empty: the broker keeps our session under a fixed id";
        }

        if (string.IsNullOrWhiteSpace(uri))
        {
            return "the MQTT broker URI is empty; write mqtt://USER:PASS@HOST:PORT or mqtts://…";
        }

        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? "" : uri[..schemeEnd].Trim().ToLowerInvariant();
        if (scheme is not ("mqtt" or "mqtts"))
        {
            return $"'{Redacted(uri)}' is not an MQTT broker URI: it must start with mqtt:// or mqtts:// (TLS)";
        }

        if (!Uri.TryCreate(uri.Trim(), UriKind.Absolute, out parsed))
        {
            return $"'{Redacted(uri)}' is not a valid URI: check the host, the port (1..65535) and that '@', ':' and '/' in user or password are %-encoded";
        }

        if (parsed.DnsSafeHost.Length == 0)
        {
            return $"'{Redacted(uri)}' names no broker host; write {scheme}://HOST:PORT";
        }

        if (parsed.AbsolutePath is not ("" or "/") || parsed.Query.Length > 0 || parsed.Fragment.Length > 0)
        {
            return $"'{Redacted(uri)}' has a path, query or fragment; an MQTT broker URI is only {scheme}://USER:PASS@HOST:PORT";
        }

        if (parsed.Port == 0)
        {
            return $"'{Redacted(uri)}' has port 0; a broker listens on 1..65535";
        }

        return null;
    }

    /// <summary>The URI with its password replaced, so that an error message may be logged.</summary>
    private static string Redacted(string uri)
    {
        var at = uri.LastIndexOf('@');
        var start = uri.IndexOf("://", StringComparison.Ordinal);
        if (at < 0 || start < 0 || at < start)
        {
            return uri;
        }

        var colon = uri.IndexOf(':', start + 3);
        return colon < 0 || colon > at ? uri : uri[..(colon + 1)] + "***" + uri[at..];
    }
}
