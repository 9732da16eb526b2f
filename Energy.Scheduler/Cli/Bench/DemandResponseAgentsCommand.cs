using System.CommandLine;
using System.Runtime.InteropServices;
using Energy.Telemetry.Mqtt;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// <c>heatgrid bench dr-agents</c> (hidden): the child side of <c>bench dr --processes K</c>. Hosts the
/// bench site's agents <c>--first</c> … <c>--first</c> + <c>--count</c> − 1 on one 100 ms tick, prints
/// "ready" once every one is connected, and stops when stdin closes (the bench is done, or gone) or on
/// SIGTERM/SIGINT, disposing the agents so that each publishes "offline".
/// </summary>
internal static class DemandResponseAgentsCommand
{
    public static Command Create()
    {
        var first = new Option<int>("--first") { Description = "Index of the first agent (node{first:D4}).", Required = true };
        var count = new Option<int>("--count") { Description = "Agents to host.", Required = true };
        var gpus = new Option<int>("--gpus-per-agent") { Description = "Simulated GPUs per agent.", DefaultValueFactory = _ => 8 };
        var broker = new Option<string>("--broker") { Description = "mqtt://HOST:PORT of the bench's broker.", Required = true };
        var runId = new Option<string>("--run-id") { Description = "The bench run's id, part of every MQTT client id.", Required = true };
        var command = new Command("dr-agents", "Host node agents for 'bench dr --processes' (internal).") { first, count, gpus, broker, runId };
        command.Hidden = true;
        command.SetAction((r, ct) => RunAsync(r.GetValue(first), r.GetValue(count), r.GetValue(gpus), r.GetRequiredValue(broker), r.GetRequiredValue(runId), ct));
        return command;
    }

    private static async Task<int> RunAsync(int first, int count, int gpusPerAgent, string brokerUri, string runId, CancellationToken ct)
    {
        if (first < 0 || count < 1 || gpusPerAgent < 1)
        {
            await Console.Error.WriteLineAsync("--first must be at least 0, --count and --gpus-per-agent at least 1");
            return 2;
        }

        if (!MqttBrokerOptions.TryParse(brokerUri, "unused", out var broker, out var error))
        {
            await Console.Error.WriteLineAsync("--broker: " + error);
            return 2;
        }

        // Termination signals are not the command line's here (Program.cs): without these the process would
        // end at once and the broker would publish each agent's last will instead of its own "offline".
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

        // Console.In reads synchronously: a thread of its own waits for the end of stdin (the bench done, or gone),
        // from the start, so that a bench that gives up while the agents connect is not kept waiting.
        var stdinClosed = Task.Factory.StartNew(() => Console.In.ReadToEnd(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // Agents take only the site's name and demand-response policy; its pool size and cap are the controller's.
        var site = DemandResponseBenchSite.Create((first + count) * gpusPerAgent);
        var secret = Environment.GetEnvironmentVariable(DemandResponseBenchSite.SecretVariable) is { Length: > 0 } b64 ? Convert.FromBase64String(b64) : null;
        if (secret is null)
        {
            await Console.Error.WriteLineAsync($"{DemandResponseBenchSite.SecretVariable}: not set (the bench sets it for its children)");
            return 2;
        }

        var agents = DemandResponseBenchSite.CreateAgents(site, first, count, gpusPerAgent, broker, runId, secret, TimeProvider.System);
        var ticker = Task.CompletedTask;
        try
        {
            var connecting = DemandResponseBenchSite.ConnectAsync(agents, broker, stop.Token);
            if (await Task.WhenAny(connecting, stdinClosed) != connecting)
            {
                await stop.CancelAsync();
                await DemandResponseBench.SwallowCancellation(connecting);
                return 0;
            }

            await connecting;
            ticker = DemandResponseBenchSite.TickAsync(agents, stop.Token);
            await Console.Out.WriteLineAsync("ready");
            await Task.WhenAny(stdinClosed, ticker);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;   // a signal while connecting
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        finally
        {
            await stop.CancelAsync();
            await DemandResponseBench.SwallowCancellation(ticker);
            await DemandResponseBenchSite.DisposeAsync(agents);
        }
    }
}
