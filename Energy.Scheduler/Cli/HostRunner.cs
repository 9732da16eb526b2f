using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace Energy.Scheduler.Cli;

/// <summary>Runs a host until SIGINT/SIGTERM; a port already taken is a clear error and exit code 1, not a stack trace.</summary>
internal static class HostRunner
{
    public static async Task<int> RunAsync(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (Exception e) when (AddressInUse(e) is { } socket)
        {
            await Console.Error.WriteLineAsync($"cannot listen: {socket.Message} (another HeatGrid, or another service, holds the port; choose another with --http, --mqtt-listen or the devices' endpoints)");
            return 1;
        }
    }

    private static SocketException? AddressInUse(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } socket)
            {
                return socket;
            }
        }

        return null;
    }
}
