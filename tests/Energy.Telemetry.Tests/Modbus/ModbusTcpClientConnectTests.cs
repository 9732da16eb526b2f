using System.Net.Sockets;
using Energy.Telemetry.Modbus;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Tests.Modbus;

/// <summary>Lazy connect, connect timeout, capped exponential backoff and once-per-change logging.</summary>
public sealed class ModbusTcpClientConnectTests
{
    private static readonly SocketException Refused = new((int)SocketError.ConnectionRefused);

    [Fact]
    public async Task Constructor_ConnectsLazilyOnTheFirstRequest()
    {
        await using var h = new ClientHarness();
        Assert.False(h.Client.IsConnected);
        Assert.Equal(0, h.Device.ConnectAttempts);

        await h.ReadAsync();
        await h.ReadAsync();

        Assert.True(h.Client.IsConnected);
        Assert.Equal(1, h.Device.ConnectAttempts);
        var connected = Assert.Single(h.Logger.WithEventId(1100));
        Assert.Equal("Connected to Modbus device meter.test:502", connected.Message);
    }

    [Fact]
    public async Task ConnectRefused_ConnectionExceptionSaysWhenItRetries()
    {
        await using var h = new ClientHarness();
        h.Device.RefuseWith = Refused;

        var e = await Assert.ThrowsAsync<ModbusConnectionException>(() => h.ReadAsync());

        Assert.Equal($"cannot connect to meter.test:502: {Refused.Message}; reconnecting in 200 ms", e.Message);
        Assert.Same(Refused, e.InnerException);
        Assert.True(e.IsRetryable);
    }

    [Fact]
    public async Task ConnectHangs_GivesUpAtTheConnectTimeout()
    {
        var h = new ClientHarness();
        await using var client = new ModbusTcpClient(h.Options, h.Time, h.Logger, ct =>
        {
            var never = new TaskCompletionSource<Stream>();
            ct.Register(() => never.TrySetCanceled(ct));
            return new ValueTask<Stream>(never.Task);
        });
        var read = client.ReadHoldingRegistersAsync(1, 0, 1, CancellationToken.None).AsTask();

        h.Time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(read.IsCompleted);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        var e = await Assert.ThrowsAsync<ModbusConnectionException>(() => read);

        Assert.Equal("cannot connect to meter.test:502: no connection within 2000 ms; reconnecting in 200 ms", e.Message);
    }

    [Fact]
    public async Task RepeatedFailures_BackoffDoublesToTheCapAndFailsFastInBetween()
    {
        await using var h = new ClientHarness();
        h.Device.RefuseWith = Refused;
        long[] expected = [200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000];

        foreach (var delay in expected)
        {
            var attempts = h.Device.ConnectAttempts;
            var failed = await Assert.ThrowsAsync<ModbusConnectionException>(() => h.ReadAsync());
            Assert.EndsWith($"reconnecting in {delay} ms", failed.Message, StringComparison.Ordinal);
            Assert.Equal(attempts + 1, h.Device.ConnectAttempts);

            h.Time.Advance(TimeSpan.FromMilliseconds(delay - 1));
            var fast = await Assert.ThrowsAsync<ModbusConnectionException>(() => h.ReadAsync());
            Assert.EndsWith("reconnecting in 1 ms", fast.Message, StringComparison.Ordinal);
            Assert.Equal(attempts + 1, h.Device.ConnectAttempts);
            h.Time.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    [Fact]
    public async Task SuccessAfterFailures_BackoffStartsOver()
    {
        await using var h = new ClientHarness();
        h.Device.RefuseWith = Refused;
        foreach (var delay in new[] { 200, 400, 800 })
        {
            await Assert.ThrowsAsync<ModbusConnectionException>(() => h.ReadAsync());
            h.Time.Advance(TimeSpan.FromMilliseconds(delay));
        }

        h.Device.RefuseWith = null;
        await h.ReadAsync();
        h.Device.RefuseWith = Refused;
        h.Device.DropConnections();
        await Assert.ThrowsAsync<ModbusConnectionException>(() => h.ReadAsync());
        var fast = await Assert.ThrowsAsync<ModbusConnectionException>(() => h.ReadAsync());

        Assert.EndsWith("reconnecting in 200 ms", fast.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownThenUp_LoggedOncePerChangeOfState()
    {
        await using var h = new ClientHarness();
        h.Device.RefuseWith = Refused;
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<ModbusConnectionException>(() => h.ReadAsync());
            await Assert.ThrowsAsync<ModbusConnectionException>(() => h.ReadAsync());
            h.Time.Advance(TimeSpan.FromSeconds(30));
        }

        h.Device.RefuseWith = null;
        await h.ReadAsync();
        await h.ReadAsync();

        var down = Assert.Single(h.Logger.WithEventId(1101));
        Assert.Equal(LogLevel.Warning, down.Level);
        Assert.Equal(4, h.Logger.WithEventId(1102).Count);
        Assert.All(h.Logger.WithEventId(1102), e => Assert.Equal(LogLevel.Debug, e.Level));
        var up = Assert.Single(h.Logger.WithEventId(1103));
        Assert.Equal("Reconnected to Modbus device meter.test:502 after 150000 ms down", up.Message);
        Assert.Empty(h.Logger.WithEventId(1100));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsBeforeAnyIo()
    {
        var h = new ClientHarness();

        Assert.Throws<ArgumentOutOfRangeException>(() => new ModbusTcpClient(h.Options with { RequestTimeout = TimeSpan.Zero }, h.Time, h.Logger, h.Device.ConnectAsync));
        Assert.Throws<ArgumentException>(() => new ModbusTcpClient(h.Options with { MaxBackoff = TimeSpan.FromMilliseconds(100) }, h.Time, h.Logger, h.Device.ConnectAsync));
        Assert.Equal(0, h.Device.ConnectAttempts);
    }
}
