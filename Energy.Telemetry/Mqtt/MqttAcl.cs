namespace Energy.Telemetry.Mqtt;

/// <summary>What a broker client is, for <see cref="MqttAcl"/>.</summary>
public enum MqttClientRole
{
    /// <summary>The HeatGrid process that runs the broker (its controller, the demo's inputs): everything.</summary>
    Internal,

    /// <summary>A controller on another host: dispatch (the epoch, assignments) and HeatGrid's own topics.</summary>
    Controller,

    /// <summary>A node agent: only its own <c>agents/NODE/…</c> topics; it hears only what is meant for it.</summary>
    Agent,

    /// <summary>An operator or admin: curtailments, day-ahead prices, grid frequency, sensor inputs.</summary>
    Operator,

    /// <summary>A heat or BMS integrator: sensor inputs and grid frequency.</summary>
    Integrator,

    /// <summary>A viewer: reads, publishes nothing.</summary>
    Reader,

    /// <summary>No credentials, where the broker allows that (no users configured): sensor inputs only.</summary>
    Anonymous,
}

/// <summary>Who a broker client is: the name it authenticated with, and its role.</summary>
public sealed record MqttClientIdentity(string Name, MqttClientRole Role)
{
    public static MqttClientIdentity Anonymous { get; } = new("anonymous", MqttClientRole.Anonymous);
}

/// <summary>Decides who a connecting client is: an identity, or null and the sentence why it is refused.</summary>
public interface IMqttClientAuthenticator
{
    MqttClientIdentity? Authenticate(string? userName, byte[]? password, out string refusal);
}

/// <summary>
/// HeatGrid's control topics and who owns them, for every site on the broker (<c>heatgrid/SITE/…</c>):
/// <list type="bullet">
/// <item><c>controller</c> (the epoch) and <c>agents/+/assign</c>: published by the controller only.</item>
/// <item><c>agents/NODE/ack|telemetry|heartbeat|status|dr</c>: by agent NODE only; any other <c>agents/NODE/…</c>
/// topic is no HeatGrid topic and is refused to every client.</item>
/// <item><c>dr/curtail</c> and <c>prices/…</c>: by an operator or admin only.</item>
/// <item><c>grid/frequency</c>: the controller, an operator or an integrator (the frequency meter's gateway).</item>
/// <item>Every other <c>heatgrid/SITE/…</c> topic (state, plan, status, the sensors HeatGrid publishes): the controller only.</item>
/// <item>Topics outside <c>heatgrid/</c> (the site's sensor inputs): anyone but a viewer or an agent.</item>
/// </list>
/// An agent may subscribe only to its own topics, the controller's epoch, the grid frequency and curtailments;
/// everyone else may subscribe to anything. The process running the broker (<see cref="MqttClientRole.Internal"/>)
/// may do anything. ops/mosquitto/heatgrid.acl says the same for mosquitto.
/// </summary>
public static class MqttAcl
{
    /// <summary>Null when <paramref name="who"/> may publish on <paramref name="topic"/>, else why not.</summary>
    public static string? RefusePublish(MqttClientIdentity who, string topic)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(topic);
        if (who.Role == MqttClientRole.Internal)
        {
            return null;
        }

        var (kind, node) = Classify(topic);
        var role = who.Role;
        return kind switch
        {
            TopicKind.Dispatch => role == MqttClientRole.Controller ? null : "only the controller publishes the epoch and assignments",
            TopicKind.AgentOwn => role == MqttClientRole.Agent && string.Equals(who.Name, node, StringComparison.Ordinal)
                ? null
                : $"only agent '{node}' publishes under agents/{node}/",
            TopicKind.Curtail => role == MqttClientRole.Operator ? null : "only an operator or admin requests a curtailment",
            TopicKind.Prices => role == MqttClientRole.Operator ? null : "only an operator or admin publishes prices",
            TopicKind.Frequency => role is MqttClientRole.Controller or MqttClientRole.Operator or MqttClientRole.Integrator
                ? null
                : "only the controller, an operator or an integrator publishes the grid frequency",
            TopicKind.HeatGrid => role == MqttClientRole.Controller ? null : "HeatGrid's own topics are published by the controller",
            TopicKind.NotAgentTopic => $"agents/{node}/ has no such topic (ack, telemetry, heartbeat, status, dr; assign from the controller)",
            _ => role switch
            {
                MqttClientRole.Reader => "a viewer only reads",
                MqttClientRole.Agent => "an agent publishes only under its own agents/NODE/",
                _ => null,
            },
        };
    }

    /// <summary>Null when <paramref name="who"/> may subscribe to <paramref name="filter"/>, else why not.</summary>
    public static string? RefuseSubscribe(MqttClientIdentity who, string filter)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(filter);
        if (who.Role != MqttClientRole.Agent)
        {
            return null;
        }

        // An agent's filter must not reach beyond what is meant for it: no wildcard in the site or node level.
        var levels = filter.Split('/');
        if (levels.Length >= 3 && levels[0] == "heatgrid" && levels[1] is not ("+" or "#"))
        {
            var rest = string.Join('/', levels[2..]);
            if (rest is "controller" or "grid/frequency" or "dr/curtail"
                || (levels.Length >= 4 && levels[2] == "agents" && string.Equals(levels[3], who.Name, StringComparison.Ordinal)))
            {
                return null;
            }
        }

        return $"agent '{who.Name}' may subscribe only to heatgrid/SITE/controller, grid/frequency, dr/curtail and agents/{who.Name}/…";
    }

    private static (TopicKind Kind, string? Node) Classify(string topic)
    {
        var levels = topic.Split('/');
        if (levels.Length < 3 || levels[0] != "heatgrid")
        {
            return (TopicKind.Other, null);
        }

        return levels[2..] switch
        {
            ["controller"] => (TopicKind.Dispatch, null),
            ["agents", var node, "assign"] => (TopicKind.Dispatch, node),
            ["agents", var node, "ack" or "telemetry" or "heartbeat" or "status" or "dr"] => (TopicKind.AgentOwn, node),
            ["agents", var node, ..] => (TopicKind.NotAgentTopic, node),
            ["dr", "curtail"] => (TopicKind.Curtail, null),
            ["prices", ..] => (TopicKind.Prices, null),
            ["grid", "frequency"] => (TopicKind.Frequency, null),
            _ => (TopicKind.HeatGrid, null),
        };
    }

    private enum TopicKind
    {
        Other,
        Dispatch,
        AgentOwn,
        Curtail,
        Prices,
        Frequency,
        HeatGrid,
        NotAgentTopic,
    }
}
