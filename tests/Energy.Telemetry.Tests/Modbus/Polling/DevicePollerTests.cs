using Energy.Contracts.Devices;
using Energy.Contracts.Readings;
using Energy.Telemetry.Modbus;
using Energy.Telemetry.Modbus.Polling;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Telemetry.Tests.Modbus.Polling;

public sealed class DevicePollerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeReader _reader = new();
    private readonly List<Reading> _readings = [];
    private readonly CapturingLogger<DevicePoller> _log = new();

    [Fact]
    public async Task PollOnce_HealthyDevice_PublishesEveryPointGoodInOneRequest()
    {
        var poller = Poller(Points.Register("power", 0, ModbusValueType.Int32, scale: 0.01), Points.Register("temp", 2, ModbusValueType.Int16, scale: 0.1));
        _reader.Bank.SetValue(ModbusTable.HoldingRegister, 0, 41_250, ModbusValueType.Int32, WordOrder.Abcd);
        _reader.Bank.SetValue(ModbusTable.HoldingRegister, 2, 715, ModbusValueType.Int16, WordOrder.Abcd);

        await poller.PollOnceAsync(CancellationToken.None);

        Assert.Single(_reader.Requests);
        Assert.Equal([412.5, 71.5], _readings.Select(r => r.Value));
        Assert.All(_readings, r => Assert.Equal(("modbus:meter", Quality.Good), (r.Source, r.Quality)));
    }

    [Fact]
    public async Task PollOnce_DeadDevice_EveryPointBadWithTheReasonAndBackoffGrowsToAMinute()
    {
        var poller = Poller(Points.Register("a", 0), Points.Register("b", 50));
        _reader.FailAll = () => new ModbusTimeoutException(new ModbusEndpoint("127.0.0.1", 15020), 1, TimeSpan.FromMilliseconds(500));

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 9; i++)
        {
            await poller.PollOnceAsync(CancellationToken.None);
            delays.Add(poller.NextDelay);
        }

        Assert.All(_readings, r => Assert.Equal(Quality.Bad, r.Quality));
        Assert.All(_readings, r => Assert.StartsWith("timeout: no reply from 127.0.0.1:15020 unit 1 within 500 ms", r.Reason, StringComparison.Ordinal));
        Assert.Equal([2, 4, 8, 16, 32, 60, 60, 60, 60], delays.Select(d => d.TotalSeconds));
        Assert.Equal(9, _reader.Requests.Count);   // an unreachable device is not asked for its second block
        Assert.Single(_log.WithEventId(1201));
    }

    [Fact]
    public async Task PollOnce_DeviceBack_IsLoggedOnceAndPolledAtItsPeriodAgain()
    {
        var poller = Poller(Points.Register("a", 0));
        _reader.Bank.SetRegisters(ModbusTable.HoldingRegister, 0, [7]);
        _reader.FailAll = () => new ModbusConnectionException("connection refused");
        await poller.PollOnceAsync(CancellationToken.None);
        await poller.PollOnceAsync(CancellationToken.None);

        _reader.FailAll = null;
        await poller.PollOnceAsync(CancellationToken.None);
        await poller.PollOnceAsync(CancellationToken.None);

        Assert.True(_readings[^1].IsGood);
        Assert.Equal(TimeSpan.FromSeconds(1), poller.NextDelay);
        Assert.Single(_log.WithEventId(1201));
        Assert.Single(_log.WithEventId(1202));
        Assert.Equal(2, poller.Health.FailedPolls);
    }

    [Fact]
    public async Task PollOnce_OneBlockRefused_OnlyItsPointsAreBad()
    {
        var poller = Poller(Points.Register("ok", 0), Points.Register("unmapped", 100));
        _reader.Bank.SetRegisters(ModbusTable.HoldingRegister, 0, [5]);

        await poller.PollOnceAsync(CancellationToken.None);

        Assert.True(_readings.Single(r => r.Signal == "test.ok").IsGood);
        var bad = _readings.Single(r => r.Signal == "test.unmapped");
        Assert.Equal(Quality.Bad, bad.Quality);
        Assert.Contains("illegal data address", bad.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RunAsync_WaitsItsPeriodBetweenPolls()
    {
        var poller = Poller(Points.Register("a", 0));
        _reader.Bank.SetRegisters(ModbusTable.HoldingRegister, 0, [1]);
        using var stop = new CancellationTokenSource();

        var loop = poller.RunAsync(stop.Token);
        Assert.Empty(_reader.Requests);
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => _reader.Requests.Count == 1);
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => _reader.Requests.Count == 2);

        await stop.CancelAsync();
        await loop;
    }

    private DevicePoller Poller(params ModbusPoint[] points) =>
        new(Points.Device(points), _reader, _readings.Add, _time, _log);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        // The poll continues on the thread pool after the fake timer fires; yield until it has run.
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Yield();
        }

        Assert.True(condition());
    }
}
