using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Energy.Scheduler.Cli;

/// <summary>Runs a host until SIGINT/SIGTERM; a port already taken is a clear error and exit code 1, not a stack trace.</summary>
internal static class HostRunner
{
    public static async Task<int> RunAsync(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            // Every validated option is checked before any service is created or any port opened.
            host.Services.GetService<IStartupValidator>()?.Validate();
            await host.RunAsync();
            return 0;
        }
        catch (Exception e) when (AddressInUse(e) is { } socket)
        {
            await Console.Error.WriteLineAsync($"cannot listen: {socket.Message} (another HeatGrid, or another service, holds the port; choose another with --http, --mqtt-listen or the devices' endpoints)");
            return 1;
        }
        catch (Exception e) when (e is OptionsValidationException || e is AggregateException { InnerExceptions: var all } && all.All(x => x is OptionsValidationException))
        {
            // Each failure names its setting (appsettings.json or an environment variable such as Control__Period).
            var failures = e is AggregateException many
                ? many.InnerExceptions.Cast<OptionsValidationException>().SelectMany(x => x.Failures)
                : ((OptionsValidationException)e).Failures;
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync($"configuration: {failure}");
            }

            await Console.Error.WriteLineAsync("nothing was started");
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
