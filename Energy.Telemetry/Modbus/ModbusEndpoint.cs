using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Energy.Contracts.Net;

namespace Energy.Telemetry.Modbus;

/// <summary>
/// Where a Modbus TCP server listens: a host name or IP address and a port, written
/// <c>HOST:PORT</c>, <c>HOST</c> (port 502, Implementation Guide V1.0b §4.1) or, for IPv6,
/// <c>[ADDRESS]:PORT</c>.
/// </summary>
/// <param name="Host">A DNS name, an IPv4 address or an IPv6 address without brackets.</param>
/// <param name="Port">1..65535.</param>
public sealed record ModbusEndpoint(string Host, int Port)
{
    /// <summary>The port IANA assigned to Modbus TCP.</summary>
    public const int DefaultPort = 502;

    public string Host { get; init; } = ValidHost(Host);

    public int Port { get; init; } = Port is >= 1 and <= 65535
        ? Port
        : throw new ArgumentOutOfRangeException(nameof(Port), Port, "A TCP port is 1..65535.");

    /// <summary>Parses <c>HOST:PORT</c>, <c>HOST</c>, <c>[IPV6]:PORT</c>, <c>[IPV6]</c> or a bare IPv6 address.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [MaybeNullWhen(false)] out ModbusEndpoint endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        string host;
        var port = DefaultPort;
        if (span.StartsWith('['))
        {
            var close = span.IndexOf(']');
            if (close < 2 || !HostNames.IsIPv6(span[1..close]))
            {
                return false;
            }

            host = span[1..close].ToString();
            var rest = span[(close + 1)..];
            if (!rest.IsEmpty && (rest[0] != ':' || !TryParsePort(rest[1..], out port)))
            {
                return false;
            }
        }
        else if (span.IndexOf(':') != span.LastIndexOf(':'))
        {
            // Several colons without brackets can only be an IPv6 address, and then it has no port:
            // "fe80::1:502" is ambiguous, which is why RFC 3986 brackets addresses that carry one.
            if (!HostNames.IsIPv6(span))
            {
                return false;
            }

            host = span.ToString();
        }
        else
        {
            var colon = span.IndexOf(':');
            var name = colon < 0 ? span : span[..colon];
            if (!HostNames.IsHostName(name) || (colon >= 0 && !TryParsePort(span[(colon + 1)..], out port)))
            {
                return false;
            }

            host = name.ToString();
        }

        endpoint = new ModbusEndpoint(host, port);
        return true;
    }

    /// <summary>As <see cref="TryParse"/>, throwing <see cref="FormatException"/> with the text when it is not an endpoint.</summary>
    public static ModbusEndpoint Parse(string text) => TryParse(text, out var endpoint)
        ? endpoint
        : throw new FormatException($"'{text}' is not a Modbus endpoint: expected HOST:PORT, HOST (port {DefaultPort}) or [IPV6]:PORT.");

    /// <summary><c>HOST:PORT</c>, with an IPv6 address in brackets so that the text parses back.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    private static string ValidHost(string host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host, nameof(Host));
        return host;
    }

    private static bool TryParsePort(ReadOnlySpan<char> text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
