using System.Buffers;
using System.Text;
using Energy.Telemetry.Mqtt;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Energy.Telemetry.Tests.Mqtt;

/// <summary>Routing received messages to handlers, from MQTTnet's message objects, without a connection.</summary>
public sealed class MqttRouterTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly CapturingLogger<MqttLink> _logger = new();
    private readonly MqttRouter _router;
    private readonly List<string> _seen = [];

    public MqttRouterTests() => _router = new MqttRouter(_logger);

    [Fact]
    public async Task DispatchAsync_WildcardFilters_EachMatchingHandlerOnceInSubscriptionOrder()
    {
        Add("a/+/c", "plus");
        Add("a/#", "hash");
        Add("b/x", "exact");

        await _router.DispatchAsync(Message("a/b/c"), Now);
        await _router.DispatchAsync(Message("a/x"), Now);
        await _router.DispatchAsync(Message("b/x"), Now);
        await _router.DispatchAsync(Message("b/y"), Now);

        Assert.Equal(["plus a/b/c", "hash a/b/c", "hash a/x", "exact b/x"], _seen);
    }

    [Fact]
    public async Task DispatchAsync_SubscriptionIdentifiers_OnlyTheNamedSubscriptionsGetTheCopy()
    {
        Add("a/#", "hash");   // id 1
        Add("a/+", "plus");   // id 2

        // A broker that sends one copy per overlapping subscription tags each copy with its id.
        await _router.DispatchAsync(Message("a/b", ids: [1]), Now);
        await _router.DispatchAsync(Message("a/b", ids: [2]), Now);

        Assert.Equal(["hash a/b", "plus a/b"], _seen);
    }

    [Fact]
    public async Task DispatchAsync_StaleIdentifierOfAnotherFilter_NotDelivered()
    {
        Add("x/#", "x");   // id 1: an earlier run had id 1 on "a/#", still in the broker's session

        await _router.DispatchAsync(Message("a/b", ids: [1]), Now);

        Assert.Empty(_seen);
    }

    [Fact]
    public async Task DispatchAsync_Message_CarriesTopicPayloadRetainAndTime()
    {
        MqttInbound? received = null;
        _router.Add("t", MqttQualityOfServiceLevel.AtLeastOnce, m => { received = m with { Payload = m.Payload.ToArray() }; return ValueTask.CompletedTask; }, out _);

        await _router.DispatchAsync(Message("t", "42.5", retain: true), Now);

        Assert.NotNull(received);
        Assert.Equal("t", received.Topic);
        Assert.Equal("42.5", Encoding.UTF8.GetString(received.Payload.Span));
        Assert.True(received.Retained);
        Assert.Equal(Now, received.ReceivedAt);
    }

    [Fact]
    public async Task DispatchAsync_MultiSegmentPayload_Joined()
    {
        string? text = null;
        _router.Add("t", MqttQualityOfServiceLevel.AtMostOnce, m => { text = Encoding.UTF8.GetString(m.Payload.Span); return ValueTask.CompletedTask; }, out _);
        var first = new Segment("12"u8.ToArray());
        var last = first.Append("34"u8.ToArray());
        var message = new MqttApplicationMessage { Topic = "t", Payload = new ReadOnlySequence<byte>(first, 0, last, 2) };

        await _router.DispatchAsync(message, Now);

        Assert.Equal("1234", text);
    }

    [Fact]
    public async Task DispatchAsync_HandlerThrows_OtherHandlersAndLaterMessagesStillDelivered()
    {
        var calls = 0;
        _router.Add("a/#", MqttQualityOfServiceLevel.AtLeastOnce, _ => ++calls <= 3 ? throw new InvalidOperationException("bad payload") : ValueTask.CompletedTask, out _);
        Add("a/b", "good");

        for (var i = 0; i < 5; i++)
        {
            await _router.DispatchAsync(Message("a/b"), Now);
        }

        Assert.Equal(5, calls);
        Assert.Equal(5, _seen.Count);

        // One error for the run of three failures, one note when the handler works again.
        var failed = Assert.Single(_logger.WithEventId(1308));
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.IsType<InvalidOperationException>(failed.Exception);
        Assert.Contains("3 failed messages", Assert.Single(_logger.WithEventId(1309)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchAsync_AsyncHandler_Awaited_BeforeTheNextMessage()
    {
        var order = new List<string>();
        _router.Add("t/+", MqttQualityOfServiceLevel.AtLeastOnce, async m =>
        {
            order.Add("start " + m.Topic);
            await Task.Yield();
            order.Add("end " + m.Topic);
        }, out _);

        await _router.DispatchAsync(Message("t/1"), Now);
        await _router.DispatchAsync(Message("t/2"), Now);

        Assert.Equal(["start t/1", "end t/1", "start t/2", "end t/2"], order);
    }

    [Fact]
    public void Add_IdsCountFromOne_AndLiveIsNullUntilSet()
    {
        var first = _router.Add("a", MqttQualityOfServiceLevel.AtMostOnce, _ => ValueTask.CompletedTask, out var live);
        var second = _router.Add("b", MqttQualityOfServiceLevel.AtLeastOnce, _ => ValueTask.CompletedTask, out _);

        Assert.Null(live);
        Assert.Equal(1u, first.Id);
        Assert.Equal(2u, second.Id);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, second.Qos);
        Assert.Equal([first, second], _router.SetLive(null));
    }

    [Fact]
    public async Task Add_SameFilterTwice_SharesTheIdentifierAndTheHigherQos()
    {
        var first = _router.Add("dup/#", MqttQualityOfServiceLevel.AtLeastOnce, m => { _seen.Add("first " + m.Topic); return ValueTask.CompletedTask; }, out _);
        var other = _router.Add("other", MqttQualityOfServiceLevel.AtMostOnce, _ => ValueTask.CompletedTask, out _);
        var second = _router.Add("dup/#", MqttQualityOfServiceLevel.AtMostOnce, m => { _seen.Add("second " + m.Topic); return ValueTask.CompletedTask; }, out _);

        await _router.DispatchAsync(Message("dup/x", ids: [first.Id]), Now);

        Assert.Equal(first.Id, second.Id);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, second.Qos);
        Assert.Equal(["first dup/x", "second dup/x"], _seen);
    }

    private void Add(string filter, string name) =>
        _router.Add(filter, MqttQualityOfServiceLevel.AtLeastOnce, m =>
        {
            _seen.Add(name + " " + m.Topic);
            return ValueTask.CompletedTask;
        }, out _);

    private static MqttApplicationMessage Message(string topic, string payload = "", bool retain = false, uint[]? ids = null) => new()
    {
        Topic = topic,
        Payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)),
        Retain = retain,
        SubscriptionIdentifiers = ids?.ToList(),
    };

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
