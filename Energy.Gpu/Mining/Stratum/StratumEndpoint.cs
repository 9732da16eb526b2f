using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Energy.Contracts.Net;

namespace Energy.Gpu.Mining.Stratum;

/// <summary>
/// Where a Stratum v1 pool listens, written as pools publish it: <c>stratum+tcp://HOST:PORT</c>, an
/// IPv6 address in brackets. Stratum has no registered port (pools use 3333, 3334, 4444, …), so the
/// port is required; TLS (<c>stratum+ssl</c>) is not supported.
/// </summary>
public sealed record StratumEndpoint
{
    public const string TcpScheme = "stratum+tcp";

    public StratumEndpoint(string host, int port)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Host = host;
        Port = port;
    }

    /// <summary>A DNS name, an IPv4 address or an IPv6 address without brackets.</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>Parses <c>stratum+tcp://HOST:PORT</c>; <see cref="FormatException"/> says what is wrong with the text.</summary>
    public static StratumEndpoint Parse(string url) =>
        TryParse(url, out var endpoint, out var error) ? endpoint : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? url, [NotNullWhen(true)] out StratumEndpoint? endpoint) =>
        TryParse(url, out endpoint, out _);

    /// <summary>As <see cref="Parse"/>, with the reason in <paramref name="error"/> instead of an exception.</summary>
    public static bool TryParse([NotNullWhen(true)] string? url, [NotNullWhen(true)] out StratumEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            error = $"The pool URL is empty; expected {TcpScheme}://HOST:PORT.";
            return false;
        }

        var text = url.AsSpan().Trim();
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            error = $"'{url}' has no scheme; expected {TcpScheme}://HOST:PORT.";
            return false;
        }

        var scheme = text[..schemeEnd];
        if (!scheme.Equals(TcpScheme, StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{url}': scheme '{scheme}' is not supported; only {TcpScheme}://HOST:PORT (Stratum v1 over plain TCP) is.";
            return false;
        }

        var authority = text[(schemeEnd + 3)..];
        var slash = authority.IndexOf('/');
        if (slash >= 0)
        {
            if (slash != authority.Length - 1)
            {
                error = $"'{url}' has a path; a pool URL is {TcpScheme}://HOST:PORT only.";
                return false;
            }

            authority = authority[..slash];
        }

        if (authority.Contains('@'))
        {
            error = $"'{url}' carries credentials; the worker name and password are options of their own.";
            return false;
        }

        if (!TrySplitHostPort(authority, out var host, out var portText))
        {
            error = $"'{url}' has no port; Stratum has no default port, e.g. {TcpScheme}://pool.example.com:3333.";
            return false;
        }

        if (!HostNames.IsHostName(host) && !HostNames.IsIPv6(host))
        {
            error = $"'{url}': '{host}' is not a host name or IP address.";
            return false;
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"'{url}': port '{portText}' is not a number from 1 to 65535.";
            return false;
        }

        endpoint = new StratumEndpoint(host.ToString(), port);
        error = null;
        return true;
    }

    /// <summary><c>HOST:PORT</c>, an IPv6 address in brackets; for logs.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>The URL that <see cref="Parse"/> reads back.</summary>
    public string ToUrl() => $"{TcpScheme}://{this}";

    private static bool TrySplitHostPort(ReadOnlySpan<char> authority, out ReadOnlySpan<char> host, out ReadOnlySpan<char> port)
    {
        host = port = default;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0 || !authority[(close + 1)..].StartsWith(':'))
            {
                return false;
            }

            host = authority[1..close];
            port = authority[(close + 2)..];
            return true;
        }

        var colon = authority.LastIndexOf(':');
        if (colon < 0 || authority.IndexOf(':') != colon)
        {
            // None, or several colons without brackets: an IPv6 address without a port (RFC 3986 §3.2.2).
            return false;
        }

        host = authority[..colon];
        port = authority[(colon + 1)..];
        return true;
    }
}
