using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Energy.Contracts.Signals;
using Energy.Contracts.Sites;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// <c>heatgrid bench mqtt</c>: sustained ingest — messages through a real broker, mapped, parsed and
/// validated into the signal registry — with the messages sent by mosquitto_pub processes (C, outside
/// this process), and the managed heap sampled along the way to show that memory stays bounded.
/// The baseline is a bare subscriber on the same link that only counts what arrives.
/// </summary>
internal static class MqttBench
{
    private const string Payload = "{\"value\":412.5,\"unit\":\"kW\",\"timestamp\":\"2024-01-15T12:00:00Z\"}";

    public static Command Create()
    {
        var broker = new Option<string>("--broker") { Description = "mqtt://HOST:PORT of the broker to push through.", Required = true };
        var seconds = new Option<double>("--seconds") { Description = "Length of each run.", DefaultValueFactory = _ => 20 };
        var qos = new Option<int>("--qos") { Description = "0 or 1.", DefaultValueFactory = _ => 0 };
        var publishers = new Option<int>("--publishers") { Description = "mosquitto_pub processes sending at once.", DefaultValueFactory = _ => 2 };
        var json = new Option<bool>("--json");
        var command = new Command("mqtt", "MQTT ingest rate with mapping and validation, and memory over the run.") { broker, seconds, qos, publishers, json };
        command.SetAction((r, ct) => RunAsync(r.GetRequiredValue(broker), r.GetValue(seconds), r.GetValue(qos), r.GetValue(publishers), r.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(string brokerUri, double seconds, int qos, int publishers, bool json, CancellationToken ct)
    {
        if (!MqttBrokerOptions.TryParse(brokerUri, "heatgrid-bench", out var options, out var error))
        {
            await Console.Error.WriteLineAsync("--broker: " + error);
            return 2;
        }

        var map = new TopicSignal("bench.{1}.powerKw", "bench/+/power", PayloadFormat.JsonValueUnit, null, null, Contracts.Units.Unit.Kilowatt, 1, 0, 0, 10_000, TimeSpan.FromMinutes(1), qos);
        var site = new Site
        {
            Name = "bench",
            TimeZone = TimeZoneInfo.Utc,
            Currency = Contracts.Units.Currency.Eur,
            Grid = new GridConnection(Contracts.Units.Power.FromKilowatts(1), Contracts.Units.Power.Zero,
                new GridTariff(Contracts.Units.EnergyPrice.EurPerMwh(0), Contracts.Units.EnergyPrice.EurPerMwh(0))),
            Pools = [],
            HeatLoops = [],
            Workloads = [],
            Policy = new Contracts.Policy.OperatorPolicy([], null, null, TimeSpan.Zero, Contracts.Policy.SafeState.Idle),
            TopicSignals = [map],
        };
        var registry = new SignalRegistry();
        var ingest = new MqttSignalIngest(site, registry);
        await using var link = new MqttLink(options! with { ClientId = "heatgrid-bench-" + Environment.ProcessId }, TimeProvider.System, NullLogger<MqttLink>.Instance);
        ingest.Attach(link);
        await link.StartAsync(ct);
        if (!await link.WaitConnectedAsync(TimeSpan.FromSeconds(10), ct))
        {
            await Console.Error.WriteLineAsync($"cannot reach {options}: {link.LastError}");
            return 1;
        }

        var run = await MeasureAsync(options!, ingest, TimeSpan.FromSeconds(seconds), qos, publishers, ct);
        var result = new Dictionary<string, object>
        {
            ["qos"] = qos,
            ["seconds"] = Math.Round(run.Seconds, 1),
            ["ingested"] = run.Ingested,
            ["messagesPerSecond"] = Math.Round(run.Ingested / run.Seconds),
            ["badReadings"] = ingest.Bad,
            ["heapMbStart"] = Math.Round(run.HeapStartMb, 1),
            ["heapMbEnd"] = Math.Round(run.HeapEndMb, 1),
            ["heapMbMax"] = Math.Round(run.HeapMaxMb, 1),
        };
        await Console.Out.WriteLineAsync(json
            ? JsonSerializer.Serialize(result)
            : string.Create(CultureInfo.InvariantCulture,
                $"QoS{qos}: {result["messagesPerSecond"]} msg/s ingested with mapping and validation ({run.Ingested} in {run.Seconds:0.0} s, {ingest.Bad} bad); heap {run.HeapStartMb:0.0} → {run.HeapEndMb:0.0} MB (max {run.HeapMaxMb:0.0})"));
        return 0;
    }

    private static async Task<Run> MeasureAsync(MqttBrokerOptions broker, MqttSignalIngest ingest, TimeSpan duration, int qos, int publishers, CancellationToken ct)
    {
        // Each publisher repeats the payload as fast as the broker takes it, until it is stopped.
        var senders = Enumerable.Range(0, publishers).Select(i => Process.Start(new ProcessStartInfo("/bin/sh")
        {
            ArgumentList =
            {
                "-c",
                $"yes '{Payload}' | mosquitto_pub -h {broker.Host} -p {broker.Port} -q {qos} -t bench/d{i}/power -l"
                    + (broker.Username is null ? string.Empty : $" -u '{broker.Username}' -P '{broker.Password}'"),
            },
            UseShellExecute = false,
            RedirectStandardError = true,
        })!).ToList();

        GC.Collect();
        var heapStart = GC.GetTotalMemory(forceFullCollection: true) / 1e6;
        var heapMax = heapStart;
        await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System, ct);   // warm up
        var start = ingest.Received;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, ct);
            heapMax = Math.Max(heapMax, GC.GetTotalMemory(false) / 1e6);
        }

        var ingested = ingest.Received - start;
        var elapsed = clock.Elapsed.TotalSeconds;
        foreach (var sender in senders)
        {
            using var kill = Process.Start("pkill", ["-P", sender.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync(ct);
            sender.Kill(entireProcessTree: true);
            sender.Dispose();
        }

        var heapEnd = GC.GetTotalMemory(forceFullCollection: true) / 1e6;
        return new Run(elapsed, ingested, heapStart, heapEnd, heapMax);
    }

    private sealed record Run(double Seconds, long Ingested, double HeapStartMb, double HeapEndMb, double HeapMaxMb);
}
