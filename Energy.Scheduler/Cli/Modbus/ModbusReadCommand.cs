using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Energy.Contracts.Configuration;
using Energy.Contracts.Devices;
using Energy.Telemetry.Modbus;
using Energy.Telemetry.Modbus.Polling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli.Modbus;

/// <summary>
/// <c>heatgrid modbus read</c>: reads and decodes values from a device, like mbpoll, for integrators on
/// site. Addresses are wire addresses (0-based). Exit 0 with the values; 1 naming the Modbus exception
/// or the timeout; 2 for bad arguments.
/// </summary>
internal static class ModbusReadCommand
{
    private static readonly Dictionary<string, ModbusTable> Tables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["holding"] = ModbusTable.HoldingRegister,
        ["input"] = ModbusTable.InputRegister,
        ["coil"] = ModbusTable.Coil,
        ["discrete"] = ModbusTable.DiscreteInput,
    };

    public static Command Create()
    {
        var endpoint = new Option<string>("--endpoint") { Description = "Device address, HOST:PORT.", Required = true };
        var unit = new Option<int>("--unit") { Description = "Unit id (0-255).", DefaultValueFactory = _ => 1 };
        var table = new Option<string>("--table") { Description = "holding, input, coil or discrete.", DefaultValueFactory = _ => "holding" };
        table.AcceptOnlyFromAmong("holding", "input", "coil", "discrete");
        var address = new Option<int>("--address") { Description = "First wire address (0-based).", Required = true };
        var count = new Option<int>("--count") { Description = "Number of values of the given type (not of registers).", DefaultValueFactory = _ => 1 };
        var type = new Option<string>("--type") { Description = "uint16, int16, uint32, int32, uint64, int64, float32 or float64.", DefaultValueFactory = _ => "uint16" };
        type.AcceptOnlyFromAmong("uint16", "int16", "uint32", "int32", "uint64", "int64", "float32", "float64");
        var order = new Option<string>("--word-order") { Description = "abcd, cdab, badc or dcba.", DefaultValueFactory = _ => "abcd" };
        order.AcceptOnlyFromAmong("abcd", "cdab", "badc", "dcba");
        var timeout = new Option<string>("--timeout") { Description = "Reply timeout, e.g. 500ms or 2s.", DefaultValueFactory = _ => "1s" };
        var json = new Option<bool>("--json") { Description = "Print a JSON array of the values." };

        var command = new Command("read", "Read and decode values from a Modbus TCP device.")
        {
            endpoint, unit, table, address, count, type, order, timeout, json,
        };
        command.SetAction((r, ct) => RunAsync(
            new Request(r.GetRequiredValue(endpoint), r.GetValue(unit), r.GetRequiredValue(table), r.GetValue(address), r.GetValue(count),
                r.GetRequiredValue(type), r.GetRequiredValue(order), r.GetRequiredValue(timeout), r.GetValue(json)),
            Console.Out, Console.Error, ct));
        return command;
    }

    public static async Task<int> RunAsync(Request request, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (Validate(request) is { } problem)
        {
            await stderr.WriteLineAsync(problem);
            return 2;
        }

        if (!ModbusEndpoint.TryParse(request.Endpoint, out var endpoint) || endpoint is null)
        {
            return 2;
        }

        var table = Tables[request.Table];
        var valueType = Enum.Parse<ModbusValueType>(request.Type, ignoreCase: true);
        var wordOrder = Enum.Parse<WordOrder>(request.WordOrder, ignoreCase: true);
        var timeout = DurationText.Parse(request.Timeout);
        var options = new ModbusClientOptions { Endpoint = endpoint, RequestTimeout = timeout, ConnectTimeout = timeout };
        await using var client = new ModbusTcpClient(options, TimeProvider.System, NullLogger<ModbusTcpClient>.Instance);
        try
        {
            var values = await ReadAsync(client, table, (byte)request.Unit, (ushort)request.Address, request.Count, valueType, wordOrder, cancellationToken);
            await stdout.WriteLineAsync(request.Json ? JsonSerializer.Serialize(values) : Lines(request.Address, table, valueType, values));
            return 0;
        }
        catch (ModbusException e)
        {
            await stderr.WriteLineAsync($"modbus read {endpoint} unit {request.Unit}: {e.Message}");
            return 1;
        }
    }

    private static async Task<object[]> ReadAsync(ModbusTcpClient client, ModbusTable table, byte unit, ushort address, int count,
        ModbusValueType type, WordOrder order, CancellationToken ct)
    {
        if (table is ModbusTable.Coil or ModbusTable.DiscreteInput)
        {
            return (await client.ReadBitsAsync(table, unit, address, count, ct)).Cast<object>().ToArray();
        }

        var width = RegisterDecoder.RegisterCount(type);
        var registers = await client.ReadRegistersAsync(table, unit, address, count * width, ct);
        var values = new object[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = RegisterDecoder.DecodeExact(registers.AsSpan(i * width, width), type, order);
        }

        return values;
    }

    private static string? Validate(Request r)
    {
        if (!ModbusEndpoint.TryParse(r.Endpoint, out _))
        {
            return $"--endpoint: expected HOST:PORT, got '{r.Endpoint}'";
        }

        if (r.Unit is < 0 or > 255)
        {
            return $"--unit: expected 0-255, got {r.Unit}";
        }

        var width = Tables.TryGetValue(r.Table, out var t) && t is ModbusTable.Coil or ModbusTable.DiscreteInput
            ? 1
            : RegisterDecoder.RegisterCount(Enum.TryParse<ModbusValueType>(r.Type, true, out var vt) ? vt : ModbusValueType.UInt16);
        if (r.Address is < 0 or > 65_535 || r.Count < 1 || r.Address + ((long)r.Count * width) > 65_536)
        {
            return $"--address/--count: {r.Count} values of {width} register(s) from {r.Address} do not fit the 0-65535 address space";
        }

        return DurationText.TryParse(r.Timeout, out var timeout) && timeout > TimeSpan.Zero
            ? null
            : $"--timeout: expected a duration such as 500ms or 2s, got '{r.Timeout}'";
    }

    private static string Lines(int address, ModbusTable table, ModbusValueType type, object[] values)
    {
        var width = table is ModbusTable.Coil or ModbusTable.DiscreteInput ? 1 : RegisterDecoder.RegisterCount(type);
        return string.Join(Environment.NewLine, values.Select((v, i) =>
            string.Create(CultureInfo.InvariantCulture, $"[{address + (i * width)}]: {v switch { bool b => b ? "1" : "0", double d => d.ToString("R", CultureInfo.InvariantCulture), _ => Convert.ToString(v, CultureInfo.InvariantCulture) }}")));
    }

    internal sealed record Request(string Endpoint, int Unit, string Table, int Address, int Count, string Type, string WordOrder, string Timeout, bool Json);
}
