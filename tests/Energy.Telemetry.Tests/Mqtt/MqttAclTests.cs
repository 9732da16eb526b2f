using Energy.Telemetry.Mqtt;

namespace Energy.Telemetry.Tests.Mqtt;

/// <summary>Who may publish and subscribe to HeatGrid's control topics: each topic against each kind of client.</summary>
public sealed class MqttAclTests
{
    private static readonly MqttClientIdentity Internal = new("heatgrid-internal", MqttClientRole.Internal);
    private static readonly MqttClientIdentity Controller = new("ctl-b", MqttClientRole.Controller);
    private static readonly MqttClientIdentity Node7 = new("node-7", MqttClientRole.Agent);
    private static readonly MqttClientIdentity Operator = new("ana", MqttClientRole.Operator);
    private static readonly MqttClientIdentity Integrator = new("bms", MqttClientRole.Integrator);
    private static readonly MqttClientIdentity Viewer = new("vic", MqttClientRole.Reader);

    public static TheoryData<string, string, bool> Publishes => new()
    {
        // topic, who, allowed
        { "heatgrid/bathhouse/controller", "internal", true },
        { "heatgrid/bathhouse/controller", "controller", true },
        { "heatgrid/bathhouse/controller", "operator", false },
        { "heatgrid/bathhouse/controller", "agent", false },
        { "heatgrid/bathhouse/controller", "anonymous", false },
        { "heatgrid/bathhouse/agents/node-7/assign", "controller", true },
        { "heatgrid/bathhouse/agents/node-7/assign", "agent", false },
        { "heatgrid/bathhouse/agents/node-7/assign", "operator", false },
        { "heatgrid/bathhouse/agents/node-7/ack", "agent", true },
        { "heatgrid/bathhouse/agents/node-7/telemetry", "agent", true },
        { "heatgrid/bathhouse/agents/node-7/status", "agent", true },
        { "heatgrid/bathhouse/agents/node-7/heartbeat", "agent", true },
        { "heatgrid/bathhouse/agents/node-7/dr", "agent", true },
        { "heatgrid/bathhouse/agents/node-7/telemetry/x", "agent", false },
        { "heatgrid/bathhouse/agents/node-7/other", "agent", false },
        { "heatgrid/bathhouse/agents/node-7/other", "controller", false },
        { "heatgrid/bathhouse/agents/node-7", "agent", false },
        { "heatgrid/bathhouse/agents//ack", "agent", false },
        { "heatgrid/bathhouse/agents/node-7/assign", "anonymous", false },
        { "heatgrid/bathhouse/agents/node-7/assign", "viewer", false },
        { "heatgrid/other-site/agents/node-7/assign", "controller", true },
        { "heatgrid/bathhouse/controller", "viewer", false },
        { "heatgrid/bathhouse/controller", "integrator", false },
        { "heatgrid/bathhouse/agents/node-8/ack", "agent", false },
        { "heatgrid/bathhouse/agents/node-7/ack", "controller", false },
        { "heatgrid/bathhouse/agents/node-7/ack", "anonymous", false },
        { "heatgrid/bathhouse/dr/curtail", "operator", true },
        { "heatgrid/bathhouse/dr/curtail", "integrator", false },
        { "heatgrid/bathhouse/dr/curtail", "viewer", false },
        { "heatgrid/bathhouse/dr/curtail", "anonymous", false },
        { "heatgrid/bathhouse/dr/curtail", "agent", false },
        { "heatgrid/bathhouse/prices/day-ahead", "operator", true },
        { "heatgrid/bathhouse/prices/day-ahead", "integrator", false },
        { "heatgrid/bathhouse/prices/day-ahead", "anonymous", false },
        { "heatgrid/bathhouse/prices/day-ahead", "viewer", false },
        { "heatgrid/bathhouse/prices/day-ahead", "controller", false },
        { "heatgrid/bathhouse/prices/intraday/x", "operator", true },
        { "heatgrid/bathhouse/prices/intraday/x", "agent", false },
        { "heatgrid/bathhouse/dr/curtail", "controller", false },
        { "heatgrid/bathhouse/grid/frequency", "integrator", true },
        { "heatgrid/bathhouse/grid/frequency", "anonymous", false },
        { "heatgrid/bathhouse/state", "controller", true },
        { "heatgrid/bathhouse/state", "operator", false },
        { "heatgrid/bathhouse/plan", "anonymous", false },
        { "heatgrid/bathhouse/sensor/site-import", "controller", true },
        { "heatgrid/bathhouse/sensor/site-import", "integrator", false },
        { "heatgrid/bathhouse/status", "agent", false },
        { "bathhouse/bms/pool/temperature", "anonymous", true },
        { "bathhouse/bms/pool/temperature", "integrator", true },
        { "bathhouse/bms/pool/temperature", "operator", true },
        { "bathhouse/bms/pool/temperature", "viewer", false },
        { "bathhouse/bms/pool/temperature", "agent", false },
        { "heatgrid", "anonymous", true },
        { "heatgrid/x", "anonymous", true },
    };

    [Theory]
    [MemberData(nameof(Publishes))]
    public void Publish(string topic, string who, bool allowed)
    {
        var refusal = MqttAcl.RefusePublish(Who(who), topic);
        Assert.True(allowed == refusal is null, $"{who} on {topic}: {refusal ?? "allowed"}");
    }

    [Fact]
    public void Publish_InternalMayDoAnything()
    {
        foreach (var row in Publishes)
        {
            Assert.Null(MqttAcl.RefusePublish(Internal, (string)row[0]));
        }
    }

    [Fact]
    public void Publish_TheRefusalSaysWhoMay()
    {
        Assert.Equal("only an operator or admin requests a curtailment", MqttAcl.RefusePublish(Viewer, "heatgrid/s/dr/curtail"));
        Assert.Equal("only agent 'node-8' publishes under agents/node-8/", MqttAcl.RefusePublish(Node7, "heatgrid/s/agents/node-8/ack"));
    }

    [Theory]
    [InlineData("heatgrid/bathhouse/controller", true)]
    [InlineData("heatgrid/bathhouse/agents/node-7/assign", true)]
    [InlineData("heatgrid/bathhouse/agents/node-7/#", true)]
    [InlineData("heatgrid/bathhouse/grid/frequency", true)]
    [InlineData("heatgrid/bathhouse/dr/curtail", true)]
    [InlineData("heatgrid/bathhouse/agents/node-8/assign", false)]
    [InlineData("heatgrid/bathhouse/agents/+/assign", false)]
    [InlineData("heatgrid/bathhouse/agents/#", false)]
    [InlineData("heatgrid/+/controller", false)]
    [InlineData("heatgrid/#", false)]
    [InlineData("#", false)]
    [InlineData("heatgrid/bathhouse/state", false)]
    public void Subscribe_AnAgentHearsOnlyWhatIsMeantForIt(string filter, bool allowed) =>
        Assert.True(allowed == MqttAcl.RefuseSubscribe(Node7, filter) is null, filter);

    [Fact]
    public void Subscribe_OthersMayReadEverything()
    {
        foreach (var who in new[] { Internal, Controller, Operator, Integrator, Viewer, MqttClientIdentity.Anonymous })
        {
            Assert.Null(MqttAcl.RefuseSubscribe(who, "#"));
        }
    }

    private static MqttClientIdentity Who(string who) => who switch
    {
        "internal" => Internal,
        "controller" => Controller,
        "agent" => Node7,
        "operator" => Operator,
        "integrator" => Integrator,
        "viewer" => Viewer,
        _ => MqttClientIdentity.Anonymous,
    };
}
