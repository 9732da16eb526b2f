using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Energy.IntegrationTests.Support;

/// <summary>
/// TCP ports on 127.0.0.1 for the servers the tests start (the controller, mosquitto, PostgreSQL, …).
/// </summary>
/// <remarks>
/// A port that the kernel handed out for port 0 lies in its ephemeral range, where any outgoing connection of any
/// process (an HTTP client, a database client) may take it again before the server under test binds it — CI saw that as
/// "address already in use". So the ports come from below the ephemeral range, one after the other in this process
/// (from a start that differs per process, as the test assemblies run side by side), each one bound once to be sure it is
/// free right now.
/// </remarks>
internal static class FreePort
{
    private const int Lowest = 10_000;
    private static readonly int Highest = EphemeralLow() - 1;
    private static int s_next = Lowest + (Environment.ProcessId * 7_919 % Math.Max(1, Highest - Lowest));

    /// <summary>A TCP port on 127.0.0.1 below the kernel's ephemeral range that was free a moment ago.</summary>
    public static int Next()
    {
        var span = Highest - Lowest + 1;
        for (var attempt = 0; attempt < span; attempt++)
        {
            var port = Lowest + (int)((uint)Interlocked.Increment(ref s_next) % (uint)span);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free TCP port on 127.0.0.1 between {Lowest} and {Highest}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The low end of Linux's ephemeral range (<c>net.ipv4.ip_local_port_range</c>); 32768 where unknown.</summary>
    private static int EphemeralLow()
    {
        const int Default = 32_768;
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range");
            var first = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            var low = int.Parse(first, CultureInfo.InvariantCulture);
            return low > Lowest + 1_000 ? low : Default;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return Default;
        }
    }
}
