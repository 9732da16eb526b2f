using System.Net;
using System.Net.Sockets;

namespace Energy.Contracts.Net;

/// <summary>The host part of endpoints written in configuration (Modbus devices, Stratum pools, brokers).</summary>
public static class HostNames
{
    public static bool IsIPv6(ReadOnlySpan<char> text) =>
        IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>Letters, digits, '-', '.' and '_' (seen in Windows and mDNS names), at most 253 characters; IPv4 addresses pass too.</summary>
    public static bool IsHostName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 253)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
