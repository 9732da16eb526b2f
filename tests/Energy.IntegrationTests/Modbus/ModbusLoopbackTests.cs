using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Energy.Telemetry.Modbus;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Energy.IntegrationTests.Modbus;

/// <summary>Our client against our server over real TCP on 127.0.0.1, a free port each.</summary>
public sealed class ModbusLoopbackTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const byte Unit = 1;
    private readonly ModbusDataBank _bank = new();
    private readonly CapturingLogger<ModbusTcpServer> _serverLog = new();
    private readonly CapturingLogger<ModbusTcpClient> _clientLog = new();
    private readonly List<ModbusTcpClient> _clients = [];
    private ModbusTcpServer _server = null!;

    public async Task InitializeAsync()
    {
        _bank.SetRegisters(ModbusTable.HoldingRegister, 0, Enumerable.Range(0, 300).Select(i => (ushort)(i * 3)).ToArray());
        _bank.SetRegisters(ModbusTable.InputRegister, 30, [0x42F6, 0xE979]);
        _bank.SetBits(ModbusTable.Coil, 0, Enumerable.Range(0, 3000).Select(i => i % 2 == 0).ToArray());
        _bank.SetBits(ModbusTable.DiscreteInput, 10, [true, false, true]);
        _server = await StartServerAsync(gatewayMode: false);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await _server.DisposeAsync();
        Assert.DoesNotContain(_serverLog.Entries, e => e.Level >= LogLevel.Error);
        Assert.DoesNotContain(_clientLog.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task EveryFunctionCode_RoundTrips()
    {
        var client = Client(_server);
        var ct = CancellationToken.None;

        Assert.Equal(new ushort[] { 0, 3, 6 }, await client.ReadHoldingRegistersAsync(Unit, 0, 3, ct));
        Assert.Equal(123.456f, RegisterDecoder.Decode(await client.ReadInputRegistersAsync(Unit, 30, 2, ct), ModbusValueType.Float32, WordOrder.Abcd));
        Assert.Equal(new[] { true, false, true, false }, await client.ReadCoilsAsync(Unit, 0, 4, ct));
        Assert.Equal(new[] { true, false, true }, await client.ReadDiscreteInputsAsync(Unit, 10, 3, ct));

        await client.WriteSingleCoilAsync(Unit, 1, true, ct);
        await client.WriteSingleRegisterAsync(Unit, 2, 0xBEEF, ct);
        await client.WriteMultipleCoilsAsync(Unit, 100, [false, false, true], ct);
        await client.WriteMultipleRegistersAsync(Unit, 200, [1, 2, 3], ct);

        Assert.Equal(new[] { true, true }, await client.ReadCoilsAsync(Unit, 0, 2, ct));
        Assert.Equal(new ushort[] { 0xBEEF }, await client.ReadHoldingRegistersAsync(Unit, 2, 1, ct));
        Assert.Equal(new[] { false, false, true }, await client.ReadCoilsAsync(Unit, 100, 3, ct));
        Assert.Equal(new ushort[] { 1, 2, 3 }, _bank.GetRegisters(ModbusTable.HoldingRegister, 200, 3));
        Assert.Equal(11, _server.RequestsServed);
    }

    [Fact]
    public async Task LongReads_SplitAcrossRequests()
    {
        var client = Client(_server);

        var registers = await client.ReadHoldingRegistersAsync(Unit, 0, 300, CancellationToken.None);
        var coils = await client.ReadCoilsAsync(Unit, 0, 3000, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 300).Select(i => (ushort)(i * 3)), registers);
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => i % 2 == 0), coils);
        Assert.Equal(3 + 2, _server.RequestsServed);
    }

    [Fact]
    public async Task UnsetAddress_IllegalDataAddressAndTheConnectionStays()
    {
        var client = Client(_server);

        var e = await Assert.ThrowsAsync<ModbusDeviceException>(() => client.ReadHoldingRegistersAsync(Unit, 299, 2, CancellationToken.None).AsTask());

        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, e.Code);
        Assert.Equal(new ushort[] { 897 }, await client.ReadHoldingRegistersAsync(Unit, 299, 1, CancellationToken.None));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task LateReplyOverTcp_DroppedAndTheConnectionKept()
    {
        using var release = new SemaphoreSlim(0);
        await using var server = new ModbusTcpServer(
            new IPEndPoint(IPAddress.Loopback, 0),
            new Dictionary<byte, IModbusDataBank> { [Unit] = _bank, [2] = new HeldDataBank(_bank, release) },
            _serverLog);
        await server.StartAsync(CancellationToken.None);
        var client = Client(server, TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAsync<ModbusTimeoutException>(() => client.ReadHoldingRegistersAsync(2, 0, 1, CancellationToken.None).AsTask());
        release.Release();
        var values = await client.ReadHoldingRegistersAsync(Unit, 5, 2, CancellationToken.None);

        Assert.Equal(new ushort[] { 15, 18 }, values);
        Assert.True(client.IsConnected);
        Assert.Single(_clientLog.WithEventId(1105));
        Assert.Equal(2, server.RequestsServed);
    }

    [Fact]
    public async Task UnknownUnit_NoAnswerSoTheClientTimesOut()
    {
        var client = Client(_server, TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<ModbusTimeoutException>(() => client.ReadHoldingRegistersAsync(9, 0, 1, CancellationToken.None).AsTask());
        Assert.Equal(new ushort[] { 0 }, await client.ReadHoldingRegistersAsync(Unit, 0, 1, CancellationToken.None));
    }

    [Fact]
    public async Task UnknownUnitInGatewayMode_Exception0B()
    {
        await using var gateway = await StartServerAsync(gatewayMode: true);
        var client = Client(gateway);

        var e = await Assert.ThrowsAsync<ModbusDeviceException>(() => client.ReadHoldingRegistersAsync(9, 0, 1, CancellationToken.None).AsTask());

        Assert.Equal(ModbusExceptionCode.GatewayTargetFailedToRespond, e.Code);
        Assert.True(e.IsRetryable);
    }

    [Fact]
    public async Task MalformedClient_OnlyItsConnectionCloses()
    {
        var good = Client(_server);
        await good.ReadHoldingRegistersAsync(Unit, 0, 1, CancellationToken.None);
        using var bad = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await bad.ConnectAsync(_server.LocalEndpoint);

        await bad.SendAsync(new byte[] { 0, 1, 0, 5, 0, 6, 1, 3, 0, 0, 0, 1 });
        var read = await bad.ReceiveAsync(new byte[16]).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, read);
        Assert.Equal(new ushort[] { 3 }, await good.ReadHoldingRegistersAsync(Unit, 1, 1, CancellationToken.None));

        // The server may log just after it closed the socket: give the log a moment, by probing.
        for (var i = 0; i < 100 && _serverLog.WithEventId(1123).Count == 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Contains(_serverLog.WithEventId(1123), e => e.Message.Contains("protocol id 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ManyClientsAtOnce_EachGetsItsOwnAnswers()
    {
        var clients = Enumerable.Range(0, 8).Select(_ => Client(_server)).ToList();

        await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                var address = (ushort)((c * 31) + i) % 290;
                var values = await client.ReadHoldingRegistersAsync(Unit, (ushort)address, 10, CancellationToken.None);
                Assert.Equal(Enumerable.Range(address, 10).Select(a => (ushort)(a * 3)), values);
            }
        })));

        Assert.Equal(8 * 200, _server.RequestsServed);
    }

    [Fact]
    public async Task SequentialReads_ThroughputReported()
    {
        var client = Client(_server);
        await client.ReadHoldingRegistersAsync(Unit, 0, 10, CancellationToken.None);
        const int reads = 5000;

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < reads; i++)
        {
            await client.ReadHoldingRegistersAsync(Unit, 0, 10, CancellationToken.None);
        }

        var perSecond = reads / clock.Elapsed.TotalSeconds;
        output.WriteLine($"{perSecond:F0} sequential 10-register reads/s, our client against our server on 127.0.0.1 (test build, test host)");

        // A floor against gross regressions only: shared CI machines vary too much for the real target.
        Assert.True(perSecond > 1000, $"{perSecond:F0} reads/s");
    }

    [Fact]
    public async Task ServerDisposed_ClientSeesTheConnectionGoAndCannotReconnect()
    {
        await using var server = await StartServerAsync(gatewayMode: false);
        var client = Client(server);
        await client.ReadHoldingRegistersAsync(Unit, 0, 1, CancellationToken.None);

        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var lost = await Assert.ThrowsAnyAsync<ModbusException>(() => client.ReadHoldingRegistersAsync(Unit, 0, 1, CancellationToken.None).AsTask());

        Assert.IsType<ModbusConnectionException>(lost);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task NothingListening_ConnectionRefused()
    {
        var port = ((IPEndPoint)_server.LocalEndpoint).Port;
        await _server.DisposeAsync();
        var client = Client(new ModbusEndpoint("127.0.0.1", port));

        var e = await Assert.ThrowsAsync<ModbusConnectionException>(() => client.ReadHoldingRegistersAsync(Unit, 0, 1, CancellationToken.None).AsTask());

        Assert.Contains("reconnecting in 200 ms", e.Message, StringComparison.Ordinal);
    }

    private async Task<ModbusTcpServer> StartServerAsync(bool gatewayMode)
    {
        var server = new ModbusTcpServer(new IPEndPoint(IPAddress.Loopback, 0), new Dictionary<byte, IModbusDataBank> { [Unit] = _bank }, _serverLog)
        {
            GatewayMode = gatewayMode,
        };
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    private ModbusTcpClient Client(ModbusTcpServer server, TimeSpan? requestTimeout = null) =>
        Client(new ModbusEndpoint("127.0.0.1", server.LocalEndpoint.Port), requestTimeout);

    private ModbusTcpClient Client(ModbusEndpoint endpoint, TimeSpan? requestTimeout = null)
    {
        var options = new ModbusClientOptions { Endpoint = endpoint, RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(5) };
        var client = new ModbusTcpClient(options, TimeProvider.System, _clientLog);
        _clients.Add(client);
        return client;
    }
}
