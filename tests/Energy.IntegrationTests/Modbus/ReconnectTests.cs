using Energy.Contracts.Devices;
using Energy.Contracts.Readings;
using Energy.Contracts.Units;
using Energy.IntegrationTests.Support;
using Energy.Telemetry.Modbus;
using Energy.Telemetry.Modbus.Polling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.IntegrationTests.Modbus;

/// <summary>A device that dies mid-poll is marked Bad, and read again by itself once it is back.</summary>
public sealed class ReconnectTests
{
    [RequiresPymodbusFact]
    public async Task Poller_ServerDiesAndReturns_ReadingsGoBadThenGoodAgain()
    {
        await using var server = await PymodbusServer.StartAsync();
        var entry = server.Values.Holding.First(e => e.Type == "int32" && e.Order == "cdab");
        var point = new ModbusPoint("p", "test.value", ModbusTable.HoldingRegister, (ushort)entry.Address, ModbusValueType.Int32,
            WordOrder.Cdab, 1, 0, Unit.Dimensionless, null, null, null, null, null, null);
        var device = new ModbusDevice("pymodbus", server.Endpoint, 1, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), 0, null, [point]);
        Assert.True(ModbusEndpoint.TryParse(server.Endpoint, out var endpoint));
        await using var client = new ModbusTcpClient(
            new ModbusClientOptions { Endpoint = endpoint!, RequestTimeout = TimeSpan.FromMilliseconds(300), InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(400) },
            TimeProvider.System, NullLogger<ModbusTcpClient>.Instance);
        var readings = new List<Reading>();
        var poller = new DevicePoller(device, client, r => { lock (readings) { readings.Add(r); } }, TimeProvider.System, NullLogger.Instance);

        await poller.PollOnceAsync(CancellationToken.None);
        Assert.True(readings[^1].IsGood, readings[^1].Reason);
        Assert.Equal(entry.Value.GetDouble(), readings[^1].Value);

        server.Stop();
        await poller.PollOnceAsync(CancellationToken.None);
        Assert.Equal(Quality.Bad, readings[^1].Quality);
        Assert.Matches("connection|timeout", readings[^1].Reason!);
        Assert.Equal(1, poller.Health.ConsecutiveFailures);

        await server.RestartAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!readings[^1].IsGood && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            await poller.PollOnceAsync(CancellationToken.None);
        }

        Assert.True(readings[^1].IsGood, "never read again after the server came back: " + readings[^1].Reason);
        Assert.Equal(0, poller.Health.ConsecutiveFailures);
    }
}
