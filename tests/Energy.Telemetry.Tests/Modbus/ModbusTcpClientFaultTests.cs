using Energy.Telemetry.Modbus;
using Energy.TestSupport.Modbus;
using Energy.TestSupport.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Telemetry.Tests.Modbus;

/// <summary>What the client does with late, wrong and missing replies, cancellation and lost connections.</summary>
public sealed class ModbusTcpClientFaultTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    // Replies with unit 1 and the given PDU under another transaction id than the request's.
    private static byte[] Stale(byte[] request, ushort transactionId, params byte[] pdu) =>
        ScriptedModbusDevice.Frame(transactionId, request[6], pdu);

    [Fact]
    public async Task StaleReplyBeforeTheRightOne_DroppedAndTheRightOneTaken()
    {
        await using var h = new ClientHarness(request => [Stale(request, 0x7777, 0x03, 0x02, 0xDE, 0xAD), .. DeviceScripts.Healthy(request)]);

        var values = await h.ReadAsync(address: 5);

        Assert.Equal(new[] { DeviceScripts.Register(5) }, values);
        Assert.Single(h.Logger.WithEventId(1105));
        Assert.True(h.Client.IsConnected);
    }

    [Fact]
    public async Task LateReplyOfATimedOutRequest_NeverTakenAsTheNextAnswer()
    {
        byte[]? first = null;
        await using var h = new ClientHarness(request =>
        {
            if (first is null)
            {
                first = request;
                return [];
            }

            // The device finally answers the first request, then the second.
            return [ScriptedModbusDevice.Reply(first, 0x03, 0x02, 0xDE, 0xAD), .. DeviceScripts.Healthy(request)];
        });
        var timedOut = h.ReadAsync(address: 1);
        h.Time.Advance(Timeout);
        await Assert.ThrowsAsync<ModbusTimeoutException>(() => timedOut);

        var values = await h.ReadAsync(address: 2);

        Assert.Equal(new[] { DeviceScripts.Register(2) }, values);
        Assert.Equal(1, h.Device.Connections);
    }

    [Fact]
    public async Task NoReply_TimeoutExactlyAtTheRequestTimeout()
    {
        await using var h = new ClientHarness(DeviceScripts.Silent);
        var read = h.ReadAsync();

        h.Time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(read.IsCompleted);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        var e = await Assert.ThrowsAsync<ModbusTimeoutException>(() => read);

        Assert.Equal("no reply from meter.test:502 unit 1 within 1000 ms", e.Message);
        Assert.True(e.IsRetryable);
        Assert.True(h.Client.IsConnected);
    }

    [Fact]
    public async Task TwoTimeoutsInARow_ConnectionReplacedWithoutBackoff()
    {
        await using var h = new ClientHarness(DeviceScripts.Silent);
        for (var i = 0; i < 2; i++)
        {
            var read = h.ReadAsync();
            h.Time.Advance(Timeout);
            await Assert.ThrowsAsync<ModbusTimeoutException>(() => read);
        }

        Assert.False(h.Client.IsConnected);
        var third = h.ReadAsync();
        h.Time.Advance(Timeout);
        await Assert.ThrowsAsync<ModbusTimeoutException>(() => third);

        Assert.Equal(2, h.Device.Connections);
        Assert.Single(h.Logger.WithEventId(1104));
    }

    [Fact]
    public async Task ReplyInPieces_Reassembled()
    {
        await using var h = new ClientHarness(request => DeviceScripts.Healthy(request).Single().Select(b => new[] { b }));

        Assert.Equal(Enumerable.Range(0, 10).Select(DeviceScripts.Register), await h.ReadAsync(count: 10));
    }

    public static TheoryData<string, Func<byte[], byte[]>> MalformedReplies => new()
    {
        { "unit id 2, expected 1", r => ScriptedModbusDevice.Frame(1, 2, 0x03, 0x02, 0x00, 0x01) },
        { "function 04, expected 03", r => ScriptedModbusDevice.Reply(r, 0x04, 0x02, 0x00, 0x01) },
        { "byte count 4, expected 2", r => ScriptedModbusDevice.Reply(r, 0x03, 0x04, 0x00, 0x01, 0x00, 0x02) },
        { "3 data bytes after byte count 2", r => ScriptedModbusDevice.Reply(r, 0x03, 0x02, 0x00, 0x01, 0x00) },
        { "an exception reply of 3 bytes, expected 2", r => ScriptedModbusDevice.Reply(r, 0x83, 0x02, 0x00) },
        { "protocol id 1, expected 0", r => [0, 1, 0, 1, 0, 5, 1, 0x03, 0x02, 0x00, 0x01] },
        { "length field 1, expected 2..254", r => [0, 1, 0, 0, 0, 1, 1] },
        { "length field 300, expected 2..254", r => [0, 1, 0, 0, 0x01, 0x2C, 1] },
    };

    [Theory]
    [MemberData(nameof(MalformedReplies))]
    public async Task MalformedReply_ProtocolExceptionNoValueConnectionClosed(string problem, Func<byte[], byte[]> reply)
    {
        await using var h = new ClientHarness(request => [reply(request)]);

        var e = await Assert.ThrowsAsync<ModbusProtocolException>(() => h.ReadAsync());

        Assert.Equal($"malformed reply from meter.test:502 unit 1 to function 03: {problem}; connection closed", e.Message);
        Assert.False(h.Client.IsConnected);
        Assert.Equal(1, h.Device.Connections);
        var lost = Assert.Single(h.Logger.WithEventId(1104));
        Assert.Equal(LogLevel.Warning, lost.Level);
    }

    [Fact]
    public async Task WriteEchoMismatch_ProtocolException()
    {
        await using var h = new ClientHarness(request => [ScriptedModbusDevice.Reply(request, 0x06, 0x00, 0x01, 0x00, 0x04)]);

        var e = await Assert.ThrowsAsync<ModbusProtocolException>(() => h.Client.WriteSingleRegisterAsync(1, 1, 3, CancellationToken.None).AsTask());

        Assert.Contains("echo of address 1 and 4, expected 1 and 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterAProtocolError_ReconnectsOnceTheBackoffPassed()
    {
        var calls = 0;
        await using var h = new ClientHarness(request => ++calls == 1 ? [ScriptedModbusDevice.Frame(1, 9, 0x03, 0x02, 0, 0)] : DeviceScripts.Healthy(request));
        await Assert.ThrowsAsync<ModbusProtocolException>(() => h.ReadAsync());

        h.Time.Advance(h.Options.InitialBackoff);
        var values = await h.ReadAsync(address: 3);

        Assert.Equal(new[] { DeviceScripts.Register(3) }, values);
        Assert.Equal(2, h.Device.Connections);
    }

    [Fact]
    public async Task DeviceClosesTheConnection_ConnectionExceptionThenFailFastThenReconnect()
    {
        await using var h = new ClientHarness(DeviceScripts.Silent);
        var read = h.ReadAsync();

        h.Device.DropConnections();
        var lost = await Assert.ThrowsAsync<ModbusConnectionException>(() => read);
        var fast = await Assert.ThrowsAsync<ModbusConnectionException>(() => h.ReadAsync());

        Assert.Equal("connection to meter.test:502 lost: the device closed the connection", lost.Message);
        Assert.Equal("meter.test:502 is unreachable (the device closed the connection); reconnecting in 200 ms", fast.Message);
        Assert.False(h.Client.IsConnected);
        Assert.Equal(1, h.Device.ConnectAttempts);
    }

    [Fact]
    public async Task CancelledBeforeTheCall_NothingSent()
    {
        await using var h = new ClientHarness();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.ReadAsync(ct: cts.Token));

        Assert.Empty(h.Device.Requests);
    }

    [Fact]
    public async Task CancelledWhileWaiting_CallerTokenAndConnectionKeptAndLateReplyDropped()
    {
        byte[]? first = null;
        await using var h = new ClientHarness(request =>
        {
            if (first is null)
            {
                first = request;
                return [];
            }

            return [ScriptedModbusDevice.Reply(first, 0x03, 0x02, 0xDE, 0xAD), .. DeviceScripts.Healthy(request)];
        });
        using var cts = new CancellationTokenSource();
        var read = h.ReadAsync(ct: cts.Token);

        await cts.CancelAsync();
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);

        Assert.Equal(cts.Token, e.CancellationToken);
        Assert.True(h.Client.IsConnected);
        Assert.Equal(new[] { DeviceScripts.Register(9) }, await h.ReadAsync(address: 9));
        Assert.Equal(1, h.Device.Connections);
    }

    [Fact]
    public async Task TwoConcurrentRequests_NeverInterleaveOnTheWire()
    {
        var (clientEnd, deviceEnd) = DuplexPipeStream.CreatePair();
        var time = new FakeTimeProvider();
        await using var client = new ModbusTcpClient(new ModbusClientOptions { Endpoint = ClientHarness.Endpoint }, time, new TestSupport.Logging.CapturingLogger<ModbusTcpClient>(), _ => ValueTask.FromResult<Stream>(clientEnd));

        var first = client.ReadHoldingRegistersAsync(1, 100, 1, CancellationToken.None).AsTask();
        var second = client.ReadHoldingRegistersAsync(1, 200, 1, CancellationToken.None).AsTask();
        var request1 = (await ScriptedModbusDevice.ReadAduAsync(deviceEnd))!;

        Assert.Equal(0, deviceEnd.Pending());
        Assert.False(second.IsCompleted);
        await deviceEnd.WriteAsync(ScriptedModbusDevice.Reply(request1, 0x03, 0x02, 0x00, 0x2A));
        var request2 = (await ScriptedModbusDevice.ReadAduAsync(deviceEnd))!;
        await deviceEnd.WriteAsync(ScriptedModbusDevice.Reply(request2, 0x03, 0x02, 0x00, 0x2B));

        Assert.Equal(new ushort[] { 42 }, await first);
        Assert.Equal(new ushort[] { 43 }, await second);
        Assert.Equal(100, DeviceScripts.Address(request1));
        Assert.Equal(200, DeviceScripts.Address(request2));
    }

    [Fact]
    public async Task Dispose_ClosesTheConnectionAndRefusesFurtherRequests()
    {
        var h = new ClientHarness();
        await h.ReadAsync();

        await h.DisposeAsync();
        await h.DisposeAsync();

        Assert.False(h.Client.IsConnected);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => h.ReadAsync());
    }
}
