using Energy.Telemetry.Signals;

namespace Energy.Telemetry.Tests.Signals;

public sealed class TopicFilterTests
{
    [Theory]
    [InlineData("bms/tank/top", "bms/tank/top", true)]
    [InlineData("bms/+/top", "bms/tank/top", true)]
    [InlineData("bms/+/top", "bms/tank/a/top", false)]
    [InlineData("bms/#", "bms", true)]
    [InlineData("bms/#", "bms/tank/top", true)]
    [InlineData("#", "$SYS/broker/uptime", false)]
    [InlineData("+/x", "$SYS/x", false)]
    [InlineData("bms/tank", "bms/tank/top", false)]
    [InlineData("bms/tank/top", "bms/tank", false)]
    public void TryMatch_FollowsTheMqttRules(string filter, string topic, bool matches) =>
        Assert.Equal(matches, new TopicFilter(filter).TryMatch(topic, out _));

    [Fact]
    public void Name_WildcardLevels_FillThePlaceholders()
    {
        Assert.True(new TopicFilter("site/+/sensor/+/value").TryMatch("site/bath/sensor/top/value", out var captures));

        Assert.Equal("bath.top.temperatureC", TopicFilter.Name("{1}.{2}.temperatureC", captures));
    }
}
