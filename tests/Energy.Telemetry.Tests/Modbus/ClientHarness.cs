using Energy.Telemetry.Modbus;
using Energy.TestSupport.Logging;
using Energy.TestSupport.Modbus;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Telemetry.Tests.Modbus;

/// <summary>A client wired to a scripted in-memory device, a fake clock and a capturing logger.</summary>
internal sealed class ClientHarness : IAsyncDisposable
{
    public static readonly ModbusEndpoint Endpoint = new("meter.test", 502);

    public ClientHarness(Func<byte[], IEnumerable<byte[]>>? script = null, ModbusClientOptions? options = null)
    {
        Device = new ScriptedModbusDevice(script ?? DeviceScripts.Healthy);
        Options = options ?? new ModbusClientOptions { Endpoint = Endpoint };
        Client = new ModbusTcpClient(Options, Time, Logger, Device.ConnectAsync);
    }

    public FakeTimeProvider Time { get; } = new();

    public CapturingLogger<ModbusTcpClient> Logger { get; } = new();

    public ScriptedModbusDevice Device { get; }

    public ModbusClientOptions Options { get; }

    public ModbusTcpClient Client { get; }

    /// <summary>Reads holding registers 0.. of unit 1 with no cancellation: the most common call in these tests.</summary>
    public Task<ushort[]> ReadAsync(int count = 1, ushort address = 0, CancellationToken ct = default) =>
        Client.ReadHoldingRegistersAsync(1, address, count, ct).AsTask();

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
