using Energy.Telemetry.Mqtt;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Telemetry.Tests.Mqtt;

/// <summary>What the link does before it has a connection; the connected behaviour is tested against real brokers in Energy.IntegrationTests.</summary>
public sealed class MqttLinkTests
{
    private static readonly MqttBrokerOptions Options = new() { Host = "127.0.0.1", Port = 1883, ClientId = "test" };

    [Fact]
    public async Task PublishAsync_NotStarted_FalseAndNothingCounted()
    {
        await using var link = new MqttLink(Options, new FakeTimeProvider(), new CapturingLogger<MqttLink>());

        Assert.False(await link.PublishAsync("a/b", "1"u8.ToArray(), 1, retain: false, CancellationToken.None));
        Assert.Equal(0, link.Published);
        Assert.Equal(MqttLinkState.Disconnected, link.State);
        Assert.Null(link.LastError);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/#/b")]
    [InlineData("a+")]
    public async Task Subscribe_InvalidFilter_ArgumentException(string filter)
    {
        await using var link = new MqttLink(Options, new FakeTimeProvider(), new CapturingLogger<MqttLink>());

        Assert.Throws<ArgumentException>(() => link.Subscribe(filter, 0, _ => ValueTask.CompletedTask));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public async Task Subscribe_BadQos_ArgumentOutOfRange(int qos)
    {
        await using var link = new MqttLink(Options, new FakeTimeProvider(), new CapturingLogger<MqttLink>());

        Assert.Throws<ArgumentOutOfRangeException>(() => link.Subscribe("a/#", qos, _ => ValueTask.CompletedTask));
    }

    [Theory]
    [InlineData("a/+")]
    [InlineData("")]
    public async Task PublishAsync_WildcardOrEmptyTopic_ArgumentException(string topic)
    {
        await using var link = new MqttLink(Options, new FakeTimeProvider(), new CapturingLogger<MqttLink>());

        await Assert.ThrowsAsync<ArgumentException>(async () => await link.PublishAsync(topic, default, 0, retain: false, CancellationToken.None));
    }

    [Fact]
    public async Task WaitConnectedAsync_NeverStarted_FalseWhenTheFakeClockPassesTheTimeout()
    {
        var time = new FakeTimeProvider();
        await using var link = new MqttLink(Options, time, new CapturingLogger<MqttLink>());

        var wait = link.WaitConnectedAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.False(await wait);
    }

    [Fact]
    public void Constructor_BadOptions_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new MqttLink(Options with { KeepAlive = TimeSpan.Zero }, TimeProvider.System, new CapturingLogger<MqttLink>()));
    }
}
