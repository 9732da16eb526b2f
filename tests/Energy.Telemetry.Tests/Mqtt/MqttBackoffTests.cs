using Energy.Telemetry.Mqtt;

namespace Energy.Telemetry.Tests.Mqtt;

public sealed class MqttBackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Fact]
    public void Fail_Repeatedly_DoublesUpToTheCap()
    {
        var backoff = new MqttBackoff(Initial, Max);

        var waits = Enumerable.Range(0, 10).Select(_ => backoff.Fail(refused: false).TotalMilliseconds).ToArray();

        Assert.Equal([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000], waits);
        Assert.Equal(10, backoff.Failures);
    }

    [Fact]
    public void Fail_Refused_WaitsTheCapAtOnce()
    {
        var backoff = new MqttBackoff(Initial, Max);

        Assert.Equal(Max, backoff.Fail(refused: true));
        Assert.Equal(Max, backoff.Fail(refused: true));
    }

    [Fact]
    public void Fail_RefusalBetweenFailures_DoesNotAdvanceTheGrowth()
    {
        var backoff = new MqttBackoff(Initial, Max);

        backoff.Fail(refused: false);
        backoff.Fail(refused: true);

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Fail(refused: false));
    }

    [Fact]
    public void Reset_AfterFailures_StartsFromTheInitialDelay()
    {
        var backoff = new MqttBackoff(Initial, Max);
        backoff.Fail(refused: false);
        backoff.Fail(refused: false);

        backoff.Reset();

        Assert.Equal(0, backoff.Failures);
        Assert.Equal(Initial, backoff.Fail(refused: false));
    }

    [Fact]
    public void Fail_CapNotAPowerOfTwoOfInitial_NeverExceedsTheCap()
    {
        var backoff = new MqttBackoff(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1000));

        var waits = Enumerable.Range(0, 4).Select(_ => backoff.Fail(refused: false).TotalMilliseconds).ToArray();

        Assert.Equal([300, 600, 1000, 1000], waits);
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(-1, 1000)]
    [InlineData(2000, 1000)]
    public void Constructor_BadBounds_Throws(int initialMs, int maxMs)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MqttBackoff(TimeSpan.FromMilliseconds(initialMs), TimeSpan.FromMilliseconds(maxMs)));
    }
}
