using Energy.Telemetry.Mqtt;

namespace Energy.Telemetry.Tests.Mqtt;

/// <summary>The matching rules of MQTT 5.0 §4.7, with the examples the specification gives.</summary>
public sealed class MqttTopicsTests
{
    [Theory]
    [InlineData("a/b/c", "a/b/c", true)]
    [InlineData("a/b/c", "a/b/d", false)]
    [InlineData("a/b/c", "a/b", false)]
    [InlineData("a/b", "a/b/c", false)]
    [InlineData("A/b", "a/b", false)]
    [InlineData("a/+/c", "a/b/c", true)]
    [InlineData("a/+/c", "a/xyz/c", true)]
    [InlineData("a/+/c", "a//c", true)]
    [InlineData("a/+/c", "a/b/d", false)]
    [InlineData("a/+/c", "a/b/x/c", false)]
    [InlineData("a/+", "a/b", true)]
    [InlineData("a/+", "a/", true)]
    [InlineData("a/+", "a", false)]
    [InlineData("a/+", "a/b/c", false)]
    [InlineData("+", "a", true)]
    [InlineData("+", "a/b", false)]
    [InlineData("+", "/a", false)]
    [InlineData("+/+", "/a", true)]
    [InlineData("/+", "/a", true)]
    [InlineData("+/b/+", "a/b/c", true)]
    [InlineData("a/#", "a", true)]
    [InlineData("a/#", "a/", true)]
    [InlineData("a/#", "a/b", true)]
    [InlineData("a/#", "a/b/c/d", true)]
    [InlineData("a/#", "ab", false)]
    [InlineData("a/#", "b/a", false)]
    [InlineData("a/+/#", "a/b", true)]
    [InlineData("a/+/#", "a", false)]
    [InlineData("#", "a", true)]
    [InlineData("#", "a/b/c", true)]
    [InlineData("#", "/", true)]
    [InlineData("#", "$SYS/x", false)]
    [InlineData("+/x", "$SYS/x", false)]
    [InlineData("+", "$SYS", false)]
    [InlineData("$SYS/#", "$SYS/broker/load", true)]
    [InlineData("$SYS/+/load", "$SYS/broker/load", true)]
    [InlineData("$SYS", "$SYS", true)]
    [InlineData("a/$SYS", "a/$SYS", true)]
    [InlineData("a/+", "a/$x", true)]
    public void Matches_SpecificationCases(string filter, string topic, bool expected)
    {
        Assert.Equal(expected, MqttTopics.Matches(filter, topic));
    }

    [Theory]
    [InlineData("a/#/c", "a/b/c")]
    [InlineData("a/b#", "a/b#")]
    [InlineData("a+/b", "a+/b")]
    [InlineData("", "")]
    [InlineData("", "a")]
    public void Matches_InvalidFilter_False(string filter, string topic)
    {
        Assert.False(MqttTopics.Matches(filter, topic));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("a/b/c", true)]
    [InlineData("+", true)]
    [InlineData("#", true)]
    [InlineData("a/+/c/#", true)]
    [InlineData("/", true)]
    [InlineData("+/+/+", true)]
    [InlineData("", false)]
    [InlineData("a/#/c", false)]
    [InlineData("a#", false)]
    [InlineData("a/b+", false)]
    [InlineData("##", false)]
    [InlineData("a\0b", false)]
    public void IsValidFilter_Cases(string filter, bool expected)
    {
        Assert.Equal(expected, MqttTopics.IsValidFilter(filter));
    }

    [Theory]
    [InlineData("a/b", true)]
    [InlineData("/", true)]
    [InlineData("", false)]
    [InlineData("a/+", false)]
    [InlineData("a/#", false)]
    public void IsValidTopic_Cases(string topic, bool expected)
    {
        Assert.Equal(expected, MqttTopics.IsValidTopic(topic));
    }
}
