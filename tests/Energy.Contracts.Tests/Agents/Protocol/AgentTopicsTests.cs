using Energy.Contracts.Agents.Protocol;

namespace Energy.Contracts.Tests.Agents.Protocol;

public class AgentTopicsTests
{
    private readonly AgentTopics _topics = new("bathhouse");

    [Fact]
    public void Topics_Site_AllUnderHeatgridSite()
    {
        Assert.Equal("heatgrid/bathhouse", _topics.Root);
        Assert.Equal("heatgrid/bathhouse/controller", _topics.Controller);
        Assert.Equal("heatgrid/bathhouse/grid/frequency", _topics.Frequency);
        Assert.Equal("heatgrid/bathhouse/dr/curtail", _topics.Curtail);
        Assert.Equal("heatgrid/bathhouse/agents/+/telemetry", _topics.AllAgents("telemetry"));
    }

    [Fact]
    public void Topics_Node_AgentKindsUnderAgentsNode()
    {
        Assert.Equal("heatgrid/bathhouse/agents/rack-1/assign", _topics.Assign("rack-1"));
        Assert.Equal("heatgrid/bathhouse/agents/rack-1/ack", _topics.Ack("rack-1"));
        Assert.Equal("heatgrid/bathhouse/agents/rack-1/telemetry", _topics.Telemetry("rack-1"));
        Assert.Equal("heatgrid/bathhouse/agents/rack-1/heartbeat", _topics.Heartbeat("rack-1"));
        Assert.Equal("heatgrid/bathhouse/agents/rack-1/dr", _topics.DrEvent("rack-1"));
        Assert.Equal("heatgrid/bathhouse/agents/rack-1/status", _topics.Status("rack-1"));
    }

    [Theory]
    [InlineData("heatgrid/bathhouse/agents/rack-1/telemetry", "rack-1")]
    [InlineData("heatgrid/bathhouse/agents/rack-1/dr", "rack-1")]
    [InlineData("heatgrid/bathhouse/agents/rack-1", null)]
    [InlineData("heatgrid/bathhouse/agents//ack", null)]
    [InlineData("heatgrid/bathhouse/controller", null)]
    [InlineData("heatgrid/bathhouse2/agents/rack-1/ack", null)]
    [InlineData("heatgrid/other/agents/rack-1/ack", null)]
    [InlineData("", null)]
    public void NodeOf_Topic_NodeOrNull(string topic, string? node) =>
        Assert.Equal(node, _topics.NodeOf(topic));

    [Theory]
    [InlineData("a+b")]
    [InlineData("#")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData(" ")]
    public void Constructor_SiteNotUsableInATopic_Throws(string site) =>
        Assert.ThrowsAny<ArgumentException>(() => new AgentTopics(site));

    [Theory]
    [InlineData("rack+1")]
    [InlineData("rack#")]
    [InlineData("rack/1")]
    [InlineData("rack 1")]
    [InlineData("")]
    public void ValidateNode_NodeNotUsableInATopic_Throws(string node)
    {
        Assert.ThrowsAny<ArgumentException>(() => AgentTopics.ValidateNode(node));
        Assert.ThrowsAny<ArgumentException>(() => _topics.Assign(node));
    }
}
