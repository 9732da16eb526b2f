using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Energy.IntegrationTests.Support;
using Energy.Scheduler.Cli.Modbus;

namespace Energy.IntegrationTests.Modbus;

/// <summary><c>heatgrid modbus read</c> against a real pymodbus server: values, exceptions, timeouts.</summary>
public sealed class ModbusReadVerbTests
{
    [RequiresPymodbusFact]
    public async Task Read_EveryTypeAndWordOrder_ReturnsExactlyTheServedValue()
    {
        await using var server = await PymodbusServer.StartAsync();
        Assert.Equal(4 * 23, server.Values.Holding.Count);

        foreach (var entry in server.Values.Holding)
        {
            var (code, stdout, stderr) = await ReadAsync(server.Endpoint, "holding", entry.Address, 1, entry.Type, entry.Order);
            var what = $"{entry.Type} {entry.Order} at {entry.Address} ({entry.Value})";
            Assert.True(code == 0, $"{what}: {stderr}");
            using var json = JsonDocument.Parse(stdout);
            var got = Assert.Single(json.RootElement.EnumerateArray());
            switch (entry.Type)
            {
                case "float32":
                    Assert.Equal((double)(float)entry.Value.GetDouble(), got.GetDouble());
                    break;
                case "float64":
                    Assert.Equal(entry.Value.GetDouble(), got.GetDouble());
                    break;
                default:
                    // Integers, 64-bit ones too, come back digit for digit.
                    Assert.True(entry.Value.GetRawText() == got.GetRawText(), $"{what}: got {got.GetRawText()}");
                    break;
            }
        }
    }

    [RequiresPymodbusFact]
    public async Task Read_SeveralValuesOfAType_CountsValuesNotRegisters()
    {
        await using var server = await PymodbusServer.StartAsync();
        var first = server.Values.Holding.First(e => e.Type == "uint32" && e.Order == "cdab");

        var (code, stdout, _) = await ReadAsync(server.Endpoint, "holding", first.Address, 3, "uint32", "cdab");

        Assert.Equal(0, code);
        var expected = server.Values.Holding.Where(e => e.Type == "uint32" && e.Order == "cdab").Select(e => e.Value.GetRawText());
        Assert.Equal(expected, JsonDocument.Parse(stdout).RootElement.EnumerateArray().Select(v => v.GetRawText()));
    }

    [RequiresPymodbusFact]
    public async Task Read_InputRegistersCoilsAndDiscreteInputs_ReturnTheServedValues()
    {
        await using var server = await PymodbusServer.StartAsync();

        var inputs = await ReadAsync(server.Endpoint, "input", 0, 20, "uint16", "abcd");
        var coils = await ReadAsync(server.Endpoint, "coil", 0, 40, "uint16", "abcd");
        var discrete = await ReadAsync(server.Endpoint, "discrete", 3, 10, "uint16", "abcd");

        Assert.Equal(server.Values.Input.Select(v => (double)v), JsonSerializer.Deserialize<double[]>(inputs.Stdout)!);
        Assert.Equal(server.Values.Coils, JsonSerializer.Deserialize<bool[]>(coils.Stdout)!);
        Assert.Equal(server.Values.Discrete.Skip(3).Take(10), JsonSerializer.Deserialize<bool[]>(discrete.Stdout)!);
    }

    [RequiresPymodbusFact]
    public async Task Read_UnmappedAddress_FailsNamingTheException()
    {
        await using var server = await PymodbusServer.StartAsync();

        var (code, _, stderr) = await ReadAsync(server.Endpoint, "holding", server.Values.HoldingCount + 10, 1, "uint16", "abcd");

        Assert.Equal(1, code);
        Assert.Contains("illegal data address", stderr, StringComparison.OrdinalIgnoreCase);
    }

    [RequiresPymodbusFact]
    public async Task Read_UnknownUnitId_TimesOutCleanly()
    {
        await using var server = await PymodbusServer.StartAsync();
        var clock = Stopwatch.StartNew();

        var (code, _, stderr) = await ReadAsync(server.Endpoint, "holding", 0, 1, "uint16", "abcd", unit: 7, timeout: "500ms");

        Assert.Equal(1, code);
        Assert.Contains("500 ms", stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Read_ServerThatAcceptsButNeverAnswers_FailsWithinItsTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepting = silent.AcceptTcpClientAsync();
        var clock = Stopwatch.StartNew();

        var (code, _, stderr) = await ReadAsync($"127.0.0.1:{port}", "holding", 0, 1, "uint16", "abcd", timeout: "700ms");

        Assert.Equal(1, code);
        Assert.Contains("within 700 ms", stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"took {clock.Elapsed}");
        (await accepting).Dispose();
    }

    [RequiresPymodbusFact]
    public async Task HeatgridExecutable_ModbusRead_PrintsValuesAndExitCodes()
    {
        await using var server = await PymodbusServer.StartAsync();
        var entry = server.Values.Holding.First(e => e.Type == "int32" && e.Order == "abcd");

        var ok = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "modbus", "read", "--endpoint", server.Endpoint,
            "--unit", "1", "--table", "holding", "--address", entry.Address.ToString(CultureInfo.InvariantCulture), "--count", "1",
            "--type", "int32", "--word-order", "abcd", "--json");
        var bad = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "modbus", "read", "--endpoint", server.Endpoint,
            "--unit", "1", "--table", "holding", "--address", "1000", "--count", "1");

        Assert.Equal(0, ok.Code);
        Assert.Contains($"[{entry.Value.GetRawText()}]", ok.Output, StringComparison.Ordinal);
        Assert.Equal(1, bad.Code);
        Assert.Contains("illegal data address", bad.Output, StringComparison.OrdinalIgnoreCase);
    }

    internal static async Task<(int Code, string Stdout, string Stderr)> ReadAsync(
        string endpoint, string table, int address, int count, string type, string order, int unit = 1, string timeout = "1s")
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ModbusReadCommand.RunAsync(
            new ModbusReadCommand.Request(endpoint, unit, table, address, count, type, order, timeout, Json: true), stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
