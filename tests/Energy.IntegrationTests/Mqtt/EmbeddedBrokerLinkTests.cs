using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using Energy.IntegrationTests.Support;
using Energy.Telemetry.Mqtt;
using Energy.TestSupport.Logging;

namespace Energy.IntegrationTests.Mqtt;

/// <summary>MqttLink against the embedded MQTTnet broker on 127.0.0.1, port 0.</summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class EmbeddedBrokerLinkTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly CapturingLogger<EmbeddedBroker> _brokerLog = new();
    private readonly MqttLinkHarness _links = new();
    private EmbeddedBroker _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = new EmbeddedBroker(new IPEndPoint(IPAddress.Loopback, 0), _brokerLog);
        await _broker.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _links.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public void StartAsync_Port0_RealPortKnown()
    {
        Assert.NotEqual(0, _broker.Port);
        Assert.Contains($"127.0.0.1:{_broker.Port}", Assert.Single(_brokerLog.WithEventId(1320)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_Subscribed_RoundTripWithPayloadAndCounters()
    {
        var inbox = new MqttInbox();
        var receiver = await _links.ConnectedAsync(Options("rx"), l => l.Subscribe("site/+/power", 0, inbox.HandleAsync));
        var sender = await _links.ConnectedAsync(Options("tx"));

        Assert.True(await sender.PublishAsync("site/m1/power", "12.5 kW"u8.ToArray(), 0, retain: false, CancellationToken.None));
        await inbox.WaitForCountAsync(1, Patience);

        Assert.Equal(new MqttInbox.Received("site/m1/power", "12.5 kW", false), Assert.Single(inbox.Messages));
        Assert.Equal(1, sender.Published);
        Assert.Equal(1, receiver.Received);
        Assert.Equal(MqttLinkState.Connected, receiver.State);
        Assert.Null(receiver.LastError);
        _links.AssertNoErrors();
    }

    [Fact]
    public async Task Subscribe_OverlappingWildcards_EachHandlerGetsEachMatchOnce()
    {
        var plus = new MqttInbox();
        var hash = new MqttInbox();
        var exact = new MqttInbox();
        var all = new MqttInbox();
        await _links.ConnectedAsync(Options("rx"), l =>
        {
            l.Subscribe("a/+/c", 1, plus.HandleAsync);
            l.Subscribe("a/#", 1, hash.HandleAsync);
            l.Subscribe("b/x", 1, exact.HandleAsync);
            l.Subscribe("#", 1, all.HandleAsync);
        });
        var sender = await _links.ConnectedAsync(Options("tx"));

        foreach (var topic in new[] { "a/b/c", "a/x", "b/x", "b/y", "a" })
        {
            Assert.True(await sender.PublishAsync(topic, Encoding.UTF8.GetBytes(topic), 1, retain: false, CancellationToken.None));
        }

        // "#" sees all five; once it has, every other handler has had its chance too (one at a time, in order).
        await all.WaitForCountAsync(5, Patience);
        Assert.Equal(["a/b/c", "a/x", "b/x", "b/y", "a"], all.Messages.Select(m => m.Topic));
        Assert.Equal(["a/b/c"], plus.Messages.Select(m => m.Topic));
        Assert.Equal(["a/b/c", "a/x", "a"], hash.Messages.Select(m => m.Topic));
        Assert.Equal(["b/x"], exact.Messages.Select(m => m.Topic));
        _links.AssertNoErrors();
    }

    [Fact]
    public async Task Subscribe_SameFilterTwice_BothHandlersGetEachMessage()
    {
        var first = new MqttInbox();
        var second = new MqttInbox();
        await _links.ConnectedAsync(Options("rx"), l =>
        {
            l.Subscribe("dup/#", 1, first.HandleAsync);
            l.Subscribe("dup/#", 0, second.HandleAsync);
        });
        var sender = await _links.ConnectedAsync(Options("tx"));

        Assert.True(await sender.PublishAsync("dup/a", "1"u8.ToArray(), 1, retain: false, CancellationToken.None));
        Assert.True(await sender.PublishAsync("dup/b", "2"u8.ToArray(), 1, retain: false, CancellationToken.None));
        await second.WaitForCountAsync(2, Patience);

        Assert.Equal(["dup/a", "dup/b"], first.Messages.Select(m => m.Topic));
        Assert.Equal(["dup/a", "dup/b"], second.Messages.Select(m => m.Topic));
    }

    [Fact]
    public async Task Subscribe_Qos1Stream_DeliveredInOrder()
    {
        var inbox = new MqttInbox();
        await _links.ConnectedAsync(Options("rx"), l => l.Subscribe("seq/+", 1, inbox.HandleAsync));
        var sender = await _links.ConnectedAsync(Options("tx"));

        for (var i = 1; i <= 500; i++)
        {
            Assert.True(await sender.PublishAsync("seq/" + (i % 7), Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), 1, retain: false, CancellationToken.None));
        }

        await inbox.WaitForCountAsync(500, Patience);
        Assert.Equal(Enumerable.Range(1, 500), inbox.Messages.Select(m => int.Parse(m.Payload, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Subscribe_AfterRetainedPublish_RetainedFlagOnReplayNotOnLive()
    {
        var sender = await _links.ConnectedAsync(Options("tx"));
        Assert.True(await sender.PublishAsync("cfg/setpoint", "45"u8.ToArray(), 1, retain: true, CancellationToken.None));
        var inbox = new MqttInbox();
        var receiver = await _links.ConnectedAsync(Options("rx"));

        receiver.Subscribe("cfg/#", 1, inbox.HandleAsync);
        await inbox.WaitForCountAsync(1, Patience);
        Assert.True(await sender.PublishAsync("cfg/setpoint", "50"u8.ToArray(), 1, retain: true, CancellationToken.None));
        await inbox.WaitForCountAsync(2, Patience);

        Assert.Equal([new("cfg/setpoint", "45", true), new MqttInbox.Received("cfg/setpoint", "50", false)], inbox.Messages);
    }

    [Fact]
    public async Task StatusTopic_UncleanLossAndReconnect_OfflineThenOnlineAgain()
    {
        var status = new MqttInbox();
        await _links.ConnectedAsync(Options("observer"), l => l.Subscribe("heatgrid/+/status", 1, status.HandleAsync));
        await using var relay = TcpRelay.Start(_broker.Port);
        var states = new List<MqttLinkState>();
        var link = await _links.ConnectedAsync(Options("site-1", relay.Port) with { StatusTopic = "heatgrid/site-1/status" }, l => l.StateChanged += s => states.Add(s));
        await status.WaitForAsync(m => m.Any(x => x.Payload == "online"), Patience);

        // The link stays out until "offline" is seen: a quick reconnect would take the session over,
        // and whether a broker still sends the will then is a race this test should not depend on.
        relay.Refusing = true;
        relay.CutAll();
        await status.WaitForAsync(m => m.Select(x => x.Payload).SequenceEqual(["online", "offline"]), Patience, _links.Logs);
        relay.Refusing = false;

        await status.WaitForAsync(m => m.Select(x => x.Payload).SequenceEqual(["online", "offline", "online"]), Patience, _links.Logs);
        Assert.True(await link.WaitConnectedAsync(Patience, CancellationToken.None));
        Assert.Equal([MqttLinkState.Connecting, MqttLinkState.Connected, MqttLinkState.Disconnected, MqttLinkState.Connected], states);

        // A late observer learns the current status from the retained message.
        var late = new MqttInbox();
        await _links.ConnectedAsync(Options("late"), l => l.Subscribe("heatgrid/site-1/status", 1, late.HandleAsync));
        await late.WaitForCountAsync(1, Patience);
        Assert.Equal(new MqttInbox.Received("heatgrid/site-1/status", "online", true), Assert.Single(late.Messages));
        _links.AssertNoErrors();
    }

    [Fact]
    public async Task DisposeAsync_CleanStop_OfflineRetained()
    {
        var status = new MqttInbox();
        await _links.ConnectedAsync(Options("observer"), l => l.Subscribe("heatgrid/site-2/status", 1, status.HandleAsync));
        var link = await _links.ConnectedAsync(Options("site-2") with { StatusTopic = "heatgrid/site-2/status" });
        await status.WaitForCountAsync(1, Patience);

        await link.DisposeAsync();

        await status.WaitForCountAsync(2, Patience);
        Assert.Equal(["online", "offline"], status.Messages.Select(m => m.Payload));
        Assert.Equal(MqttLinkState.Disconnected, link.State);
    }

    [Fact]
    public async Task PersistentSession_Qos1WhileAway_DeliveredOnReturn()
    {
        var first = new MqttInbox();
        var receiver = await _links.ConnectedAsync(Options("meter-rx"), l => l.Subscribe("meters/#", 1, first.HandleAsync));
        await receiver.DisposeAsync();
        var sender = await _links.ConnectedAsync(Options("tx"));
        for (var i = 1; i <= 20; i++)
        {
            Assert.True(await sender.PublishAsync("meters/m" + i, "v"u8.ToArray(), 1, retain: false, CancellationToken.None));
        }

        var back = new MqttInbox();
        await _links.ConnectedAsync(Options("meter-rx"), l => l.Subscribe("meters/#", 1, back.HandleAsync));

        await back.WaitForCountAsync(20, Patience);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => "meters/m" + i), back.Messages.Select(m => m.Topic));
        Assert.Empty(first.Messages);
    }

    [Fact]
    public async Task Subscribe_WhileConnected_SubscribedAtOnce()
    {
        var receiver = await _links.ConnectedAsync(Options("rx"));
        var sender = await _links.ConnectedAsync(Options("tx"));
        var inbox = new MqttInbox();

        receiver.Subscribe("late/topic", 0, inbox.HandleAsync);

        // The SUBSCRIBE goes out in the background: publish until the first message comes through.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (inbox.Count == 0 && clock.Elapsed < Patience)
        {
            await sender.PublishAsync("late/topic", "x"u8.ToArray(), 0, retain: false, CancellationToken.None);
            await Task.Delay(20);
        }

        Assert.NotEqual(0, inbox.Count);
    }

    [Fact]
    public async Task Handler_Throws_LinkGoesOnAndErrorLoggedOnce()
    {
        var inbox = new MqttInbox();
        var receiver = await _links.ConnectedAsync(Options("rx"), l =>
        {
            l.Subscribe("bad/#", 1, _ => throw new FormatException("not a number"));
            l.Subscribe("#", 1, inbox.HandleAsync);
        });
        var sender = await _links.ConnectedAsync(Options("tx"));

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await sender.PublishAsync("bad/x", "?"u8.ToArray(), 1, retain: false, CancellationToken.None));
        }

        Assert.True(await sender.PublishAsync("good/x", "1"u8.ToArray(), 1, retain: false, CancellationToken.None));
        await inbox.WaitForCountAsync(4, Patience);

        Assert.Equal(MqttLinkState.Connected, receiver.State);
        Assert.Equal(4, receiver.Received);
        _links.AssertNoErrors(expectedEventIds: 1308);
    }

    [Fact]
    public async Task StartAsync_NoBrokerYet_DisconnectedThenConnectsByItself()
    {
        var port = FreePort.Next();
        var link = _links.Create(Options("early", port), out var log);

        await link.StartAsync(CancellationToken.None);

        Assert.Equal(MqttLinkState.Disconnected, link.State);
        Assert.Contains("cannot connect to 127.0.0.1:" + port, link.LastError, StringComparison.Ordinal);
        Assert.False(await link.PublishAsync("x", "1"u8.ToArray(), 1, retain: false, CancellationToken.None));

        await using var late = new EmbeddedBroker(new IPEndPoint(IPAddress.Loopback, port), new CapturingLogger<EmbeddedBroker>());
        await late.StartAsync(CancellationToken.None);

        Assert.True(await link.WaitConnectedAsync(Patience, CancellationToken.None), link.LastError);
        Assert.Single(log.WithEventId(1301));   // one warning for the outage, however many attempts
        Assert.Single(log.WithEventId(1300));
        _links.AssertNoErrors();
    }

    [Fact]
    public async Task StartAsync_WrongPassword_RefusedWithClearErrorAndNoCrash()
    {
        await using var guarded = new EmbeddedBroker(new IPEndPoint(IPAddress.Loopback, 0), _brokerLog, new Dictionary<string, string> { ["heatgrid"] = "right" });
        await guarded.StartAsync(CancellationToken.None);
        var link = _links.Create(Options("c", guarded.Port) with { Username = "heatgrid", Password = "wrong" }, out var log);

        await link.StartAsync(CancellationToken.None);

        Assert.Equal(MqttLinkState.Refused, link.State);
        Assert.Equal("broker refused the connection: bad user name or password", link.LastError);
        Assert.Single(log.WithEventId(1305));
        Assert.False(await link.WaitConnectedAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None));

        var good = await _links.ConnectedAsync(Options("d", guarded.Port) with { Username = "heatgrid", Password = "right" });
        Assert.Equal(MqttLinkState.Connected, good.State);
        _links.AssertNoErrors(expectedEventIds: 1305);
    }

    [Fact]
    public async Task AClientAnnouncingA250MegabytePacket_IsDisconnectedBeforeItsBody_AndMemoryStaysFlat()
    {
        var before = Environment.WorkingSet;
        for (var i = 0; i < 3; i++)
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, _broker.Port);

            // PUBLISH with a remaining length of 250,000,000 bytes, then the first 64 kB of it.
            await socket.SendAsync(new byte[] { 0x30, 0x80, 0xE5, 0x9A, 0x77 });
            try
            {
                await socket.SendAsync(new byte[64 * 1024]);
            }
            catch (System.Net.Sockets.SocketException)
            {
                // already disconnected
            }

            using var wait = new CancellationTokenSource(Patience);
            var buffer = new byte[16];
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, wait.Token);
            }
            catch (System.Net.Sockets.SocketException)
            {
                read = 0; // reset by the broker
            }

            Assert.Equal(0, read);
        }

        Assert.Equal(3, _broker.OversizedPackets);
        Assert.Contains("packet of 250000000 bytes", _brokerLog.WithEventId(1323)[0].Message, StringComparison.Ordinal);
        Assert.True(Environment.WorkingSet - before < 200L * 1024 * 1024, $"working set grew by {(Environment.WorkingSet - before) / 1048576} MB");
    }

    [Fact]
    public async Task APayloadOverTheLimit_NeverReachesSubscribers_AndOneWithinItDoes()
    {
        var inbox = new MqttInbox();
        await _links.ConnectedAsync(Options("rx"), l => l.Subscribe("big/#", 1, inbox.HandleAsync));
        var sender = await _links.ConnectedAsync(Options("tx"));

        await sender.PublishAsync("big/over", new byte[EmbeddedBroker.MaxPacketBytes + 1], 1, retain: false, CancellationToken.None);

        // The broker cut the sender off; once its link has reconnected, a payload within the limit goes through.
        var deadline = DateTime.UtcNow + Patience;
        while (!await sender.PublishAsync("big/within", new byte[512 * 1024], 1, retain: false, CancellationToken.None))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the sender could not publish again after being disconnected: {sender.State} {sender.LastError}");
            await Task.Delay(100);
        }

        await inbox.WaitForCountAsync(1, Patience);
        Assert.All(inbox.Messages, m => Assert.Equal("big/within", m.Topic));
        Assert.Equal(1, _broker.OversizedPackets);
    }

    private MqttBrokerOptions Options(string clientId, int? port = null) => MqttLinkHarness.Options(port ?? _broker.Port, clientId);
}
