using System.Text;
using Energy.Scheduler.NodeAgent;
using Energy.Scheduler.Tests.Controller.Agents;

namespace Energy.Scheduler.Tests.NodeAgent;

/// <summary><see cref="MqttAgent.TryReadFrequency"/>: what a frequency relay may publish.</summary>
public class MqttAgentTests
{
    private static readonly DateTimeOffset Received = FleetRig.Start;

    private static (bool Ok, double Hz, DateTimeOffset At, string Reason) Read(string payload)
    {
        var ok = MqttAgent.TryReadFrequency(Encoding.UTF8.GetBytes(payload), Received, out var sample, out var reason);
        return (ok, sample.Hz, sample.At, reason);
    }

    [Theory]
    [InlineData("49.87", 49.87)]
    [InlineData(" 50 \n", 50)]
    [InlineData("\t49.9\r\n", 49.9)]
    [InlineData("5e1", 50)]
    public void TryReadFrequency_PlainNumber_HzTimedOnArrival(string payload, double hz) =>
        Assert.Equal((true, hz, Received, string.Empty), Read(payload));

    [Fact]
    public void TryReadFrequency_JsonWithTime_ItsOwnTime() =>
        Assert.Equal((true, 49.8, Received.AddMilliseconds(-250), string.Empty), Read("""{"hz":49.8,"at":"2026-01-15T11:59:59.750Z"}"""));

    [Fact]
    public void TryReadFrequency_JsonWithoutTime_TimedOnArrival() =>
        Assert.Equal((true, 49.8, Received, string.Empty), Read(""" {"hz":49.8} """));

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e999")]
    [InlineData("49,87")]
    [InlineData("49.87 Hz")]
    [InlineData("fifty")]
    [InlineData("""{"hz":"49.8"}""")]
    [InlineData("""{"at":"2026-01-15T12:00:00Z"}""")]
    [InlineData("[49.8]")]
    public void TryReadFrequency_NotAFrequency_FalseWithAReason(string payload)
    {
        var (ok, _, _, reason) = Read(payload);

        Assert.False(ok);
        Assert.NotEmpty(reason);
    }
}
