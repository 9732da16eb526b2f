using Energy.Telemetry.Mqtt;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Telemetry.Tests.Mqtt;

/// <summary>The link's state and its logging once per change, driven without a broker and with a fake clock.</summary>
public sealed class MqttLinkStatusTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(500);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CapturingLogger<MqttLink> _log = new();
    private readonly MqttLinkStatus _status;
    private readonly List<MqttLinkState> _changes = [];

    public MqttLinkStatusTests()
    {
        _status = new MqttLinkStatus(new MqttBrokerOptions { Host = "broker", ClientId = "site-1", Username = "u", Password = "hunter2" }, _time, _log);
        _status.Changed += _changes.Add;
    }

    [Fact]
    public void Fail_ManyTimes_OneWarningThenDebug_OneStateChange()
    {
        _status.Starting();

        for (var i = 0; i < 50; i++)
        {
            _status.Fail("cannot connect to broker:1883: Connection refused", refused: false, Wait);
        }

        Assert.Equal([MqttLinkState.Connecting, MqttLinkState.Disconnected], _changes);
        Assert.Single(_log.WithEventId(1301));
        Assert.Equal(49, _log.WithEventId(1302).Count);
        Assert.Equal(LogLevel.Debug, _log.WithEventId(1302)[0].Level);
        Assert.Equal("cannot connect to broker:1883: Connection refused", _status.LastError);
        Assert.True(_status.FirstAttempt.IsCompleted);
    }

    [Fact]
    public void Connect_AfterOutage_ReconnectedWithDowntimeFromTheClock()
    {
        _status.Starting();
        _status.Connect(sessionPresent: false);
        _status.Lose("connection closed by the broker");
        _time.Advance(TimeSpan.FromSeconds(42));
        _status.Fail("Connection refused", refused: false, Wait);

        _status.Connect(sessionPresent: true);

        Assert.Equal([MqttLinkState.Connecting, MqttLinkState.Connected, MqttLinkState.Disconnected, MqttLinkState.Connected], _changes);
        Assert.Contains("after 42000 ms down (session present: True)", Assert.Single(_log.WithEventId(1303)).Message, StringComparison.Ordinal);
        Assert.Single(_log.WithEventId(1304));
        Assert.Empty(_log.WithEventId(1301));   // the loss was the warning; the failed retry is Debug
        Assert.Null(_status.LastError);
        Assert.Empty(_log.WithEventId(1306));
    }

    [Fact]
    public void Connect_ReconnectWithoutSession_WarnsThatQueuedMessagesAreLost()
    {
        _status.Connect(sessionPresent: false);
        _status.Lose("gone");

        _status.Connect(sessionPresent: false);

        Assert.Equal(LogLevel.Warning, Assert.Single(_log.WithEventId(1306)).Level);
    }

    [Fact]
    public void Fail_Refused_ErrorOncePerReason_NeverThePassword()
    {
        _status.Starting();

        _status.Fail("broker refused the connection: not authorized", refused: true, TimeSpan.FromSeconds(30));
        _status.Fail("broker refused the connection: not authorized", refused: true, TimeSpan.FromSeconds(30));
        _status.Fail("broker refused the connection: banned", refused: true, TimeSpan.FromSeconds(30));

        Assert.Equal(MqttLinkState.Refused, _status.State);
        Assert.Equal(2, _log.WithEventId(1305).Count);
        Assert.All(_log.Entries, e => Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal));
        Assert.Contains("mqtt://u@broker:1883", _log.WithEventId(1305)[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connected_TaskCompletesOnConnectAndIsReplacedOnLoss()
    {
        var first = _status.Connected;
        Assert.False(first.IsCompleted);

        _status.Connect(sessionPresent: false);
        await first;
        _status.Lose("gone");

        Assert.False(_status.Connected.IsCompleted);
        _status.Connect(sessionPresent: true);
        Assert.True(_status.Connected.IsCompleted);
    }

    [Fact]
    public void Changed_SubscriberThrows_OthersStillToldAndErrorLogged()
    {
        var told = new List<MqttLinkState>();
        _status.Changed += _ => throw new InvalidOperationException("observer bug");
        _status.Changed += told.Add;

        _status.Starting();

        Assert.Equal([MqttLinkState.Connecting], told);
        Assert.Single(_log.WithEventId(1310));
    }
}
