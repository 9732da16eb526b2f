using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Energy.Contracts.Devices;
using Energy.Contracts.Readings;
using Energy.Contracts.Units;
using Energy.Telemetry.Modbus;
using Energy.Telemetry.Modbus.Polling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// <c>heatgrid bench modbus</c>: sequential 10-register reads per second on one connection, ours against
/// a raw socket loop (the baseline) on the same server, against the in-process simulator and, given
/// <c>--pymodbus</c>, a pymodbus server; then the CPU that polling 50 devices × 20 points at 1 Hz costs,
/// with the devices served by a child process so that only the polling side is measured.
/// </summary>
internal static class ModbusBench
{
    private const int Registers = 10;

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "Length of each read-rate run.", DefaultValueFactory = _ => 5 };
        var pymodbus = new Option<string?>("--pymodbus") { Description = "HOST:PORT of a running pymodbus server (unit 1, holding 0-9)." };
        var devices = new Option<int>("--devices") { DefaultValueFactory = _ => 50, Description = "Devices in the polling run." };
        var points = new Option<int>("--points") { DefaultValueFactory = _ => 20, Description = "Points per device." };
        var pollSeconds = new Option<double>("--poll-seconds") { DefaultValueFactory = _ => 30, Description = "Length of the polling run." };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON." };
        var command = new Command("modbus", "Modbus client read rate and polling CPU.") { seconds, pymodbus, devices, points, pollSeconds, json };
        command.SetAction((r, ct) => RunAsync(r.GetValue(seconds), r.GetValue(pymodbus), r.GetValue(devices), r.GetValue(points),
            r.GetValue(pollSeconds), r.GetValue(json), ct));
        return command;
    }

    /// <summary>The child side of the polling run: serves N mapped devices on consecutive ports until stdin closes.</summary>
    public static Command CreateServe()
    {
        var devices = new Option<int>("--devices") { DefaultValueFactory = _ => 50 };
        var points = new Option<int>("--points") { DefaultValueFactory = _ => 20 };
        var command = new Command("modbus-serve", "Serve simulated devices for 'bench modbus' (internal).") { devices, points };
        command.Hidden = true;
        command.SetAction(async (r, ct) =>
        {
            var servers = new List<ModbusTcpServer>();
            for (var i = 0; i < r.GetValue(devices); i++)
            {
                var bank = new ModbusDataBank();
                bank.SetRegisters(ModbusTable.HoldingRegister, 0, Enumerable.Range(0, r.GetValue(points) * 2).Select(v => (ushort)v).ToArray());
                var server = new ModbusTcpServer(new IPEndPoint(IPAddress.Loopback, 0), new Dictionary<byte, IModbusDataBank> { [1] = bank },
                    NullLogger<ModbusTcpServer>.Instance);
                await server.StartAsync(ct);
                servers.Add(server);
                await Console.Out.WriteLineAsync(server.LocalEndpoint.Port.ToString(CultureInfo.InvariantCulture));
            }

            await Console.Out.WriteLineAsync("ready");
            await Console.In.ReadToEndAsync(ct);
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            return 0;
        });
        return command;
    }

    private static async Task<int> RunAsync(double seconds, string? pymodbus, int devices, int points, double pollSeconds, bool json, CancellationToken ct)
    {
        var results = new List<Dictionary<string, object>>();
        var bank = new ModbusDataBank();
        bank.SetRegisters(ModbusTable.HoldingRegister, 0, Enumerable.Range(0, 100).Select(v => (ushort)v).ToArray());
        await using (var simulator = new ModbusTcpServer(new IPEndPoint(IPAddress.Loopback, 0), new Dictionary<byte, IModbusDataBank> { [1] = bank },
            NullLogger<ModbusTcpServer>.Instance))
        {
            await simulator.StartAsync(ct);
            results.Add(await ReadRateAsync("in-process simulator", new ModbusEndpoint("127.0.0.1", simulator.LocalEndpoint.Port), seconds, ct));
        }

        if (pymodbus is not null && ModbusEndpoint.TryParse(pymodbus, out var endpoint))
        {
            results.Add(await ReadRateAsync("pymodbus", endpoint, seconds, ct));
        }

        var polling = await PollingCpuAsync(devices, points, TimeSpan.FromSeconds(pollSeconds), ct);
        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new { readRate = results, polling }, Indented));
        }
        else
        {
            foreach (var r in results)
            {
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{r["server"],-22} heatgrid client {r["clientReadsPerSecond"],8:0} reads/s   raw socket loop {r["rawSocketReadsPerSecond"],8:0} reads/s   ratio {r["ratio"]:0.00}"));
            }

            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"polling {polling.Devices} devices × {polling.Points} points @ 1 Hz for {polling.Seconds:0} s: {polling.CpuPercentOfOneCore:0.00} % of one core, {polling.Polls} polls, {polling.BadReadings} bad readings"));
        }

        return 0;
    }

    private static async Task<Dictionary<string, object>> ReadRateAsync(string name, ModbusEndpoint endpoint, double seconds, CancellationToken ct)
    {
        var duration = TimeSpan.FromSeconds(seconds);
        await using var client = new ModbusTcpClient(new ModbusClientOptions { Endpoint = endpoint }, TimeProvider.System, NullLogger<ModbusTcpClient>.Instance);
        await client.ReadHoldingRegistersAsync(1, 0, Registers, ct);   // connect and warm up

        // Baseline and ours alternate twice so that neither gets all of a warm or a cold machine.
        double raw = 0, ours = 0;
        for (var round = 0; round < 2; round++)
        {
            raw += await RawSocketLoop.ReadsPerSecondAsync(endpoint, Registers, duration / 2, ct);
            var clock = Stopwatch.StartNew();
            var reads = 0;
            while (clock.Elapsed < duration / 2)
            {
                await client.ReadHoldingRegistersAsync(1, 0, Registers, ct);
                reads++;
            }

            ours += reads / clock.Elapsed.TotalSeconds;
        }

        return new Dictionary<string, object>
        {
            ["server"] = name,
            ["clientReadsPerSecond"] = Math.Round(ours / 2),
            ["rawSocketReadsPerSecond"] = Math.Round(raw / 2),
            ["ratio"] = Math.Round(ours / raw, 3),
        };
    }

    private static async Task<PollingFigures> PollingCpuAsync(int devices, int points, TimeSpan duration, CancellationToken ct)
    {
        using var child = Process.Start(BenchChildProcess.StartInfo(["bench", "modbus-serve", "--devices", devices.ToString(CultureInfo.InvariantCulture),
            "--points", points.ToString(CultureInfo.InvariantCulture)]))!;
        var ports = new List<int>();
        while (await child.StandardOutput.ReadLineAsync(ct) is { } line && line != "ready")
        {
            ports.Add(int.Parse(line, CultureInfo.InvariantCulture));
        }

        var pollers = new List<DevicePoller>();
        var clients = new List<ModbusTcpClient>();
        long bad = 0;
        foreach (var port in ports)
        {
            var map = Enumerable.Range(0, points).Select(i => new ModbusPoint($"p{i}", $"d{port}.p{i}", ModbusTable.HoldingRegister, (ushort)(i * 2),
                ModbusValueType.Float32, WordOrder.Abcd, 1, 0, Unit.Kilowatt, null, null, null, null, null, null)).ToList();
            var device = new ModbusDevice($"d{port}", $"127.0.0.1:{port}", 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 0, null, map);
            var client = new ModbusTcpClient(new ModbusClientOptions { Endpoint = new ModbusEndpoint("127.0.0.1", port) }, TimeProvider.System,
                NullLogger<ModbusTcpClient>.Instance);
            clients.Add(client);
            pollers.Add(new DevicePoller(device, client, r =>
            {
                if (r.Quality != Quality.Good)
                {
                    Interlocked.Increment(ref bad);
                }
            }, TimeProvider.System, NullLogger.Instance));
        }

        await Task.WhenAll(pollers.Select(p => p.PollOnceAsync(ct)));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var loops = pollers.Select(p => Task.Run(() => p.RunAsync(stop.Token), ct)).ToList();
        await Task.Delay(duration, TimeProvider.System, ct);
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpuBefore;
        var wall = clock.Elapsed;

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        child.StandardInput.Close();
        await child.WaitForExitAsync(ct);
        return new PollingFigures(devices, points, Math.Round(wall.TotalSeconds, 1), Math.Round(100 * cpu / wall, 3),
            pollers.Sum(p => p.Health.Polls), bad);
    }

    internal sealed record PollingFigures(int Devices, int Points, double Seconds, double CpuPercentOfOneCore, long Polls, long BadReadings);
}
