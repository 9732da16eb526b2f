namespace Energy.Contracts.Agents.Protocol;

/// <summary>
/// The MQTT topics between the controller and the node agents of one site, all under
/// <c>heatgrid/&lt;site&gt;/</c>. Controller → agent: <c>agents/&lt;node&gt;/assign</c>. Agent → controller:
/// <c>…/ack</c>, <c>…/telemetry</c>, <c>…/heartbeat</c> (retained; the broker publishes the agent's last
/// will there when it vanishes), <c>…/dr</c> (demand-response evidence). Everyone: <c>controller</c>
/// (retained epoch), <c>grid/frequency</c> (Hz, watched by every agent), <c>dr/curtail</c> (requests).
/// </summary>
public sealed class AgentTopics
{
    public AgentTopics(string site)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(site);
        if (site.AsSpan().IndexOfAny("+#/") >= 0)
        {
            throw new ArgumentException($"A site name used in MQTT topics may not contain '+', '#' or '/': '{site}'.", nameof(site));
        }

        Site = site;
        Root = $"heatgrid/{site}";
    }

    public string Site { get; }

    public string Root { get; }

    public string Controller => $"{Root}/controller";

    public string Frequency => $"{Root}/grid/frequency";

    public string Curtail => $"{Root}/dr/curtail";

    public string Assign(string node) => Agent(node, "assign");

    public string Ack(string node) => Agent(node, "ack");

    public string Telemetry(string node) => Agent(node, "telemetry");

    public string Heartbeat(string node) => Agent(node, "heartbeat");

    public string DrEvent(string node) => Agent(node, "dr");

    /// <summary>"online" / "offline" (retained; the broker publishes "offline" as the agent's last will).</summary>
    public string Status(string node) => Agent(node, "status");

    /// <summary>A filter for one kind of agent message from every node (<c>agents/+/kind</c>).</summary>
    public string AllAgents(string kind) => $"{Root}/agents/+/{kind}";

    /// <summary>The node named in an agent topic, or null when the topic is not one.</summary>
    public string? NodeOf(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var prefix = $"{Root}/agents/";
        if (!topic.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = topic.AsSpan(prefix.Length);
        var slash = rest.IndexOf('/');
        return slash <= 0 ? null : rest[..slash].ToString();
    }

    public static void ValidateNode(string node)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        if (node.AsSpan().IndexOfAny("+#/ ") >= 0)
        {
            throw new ArgumentException($"A node name may not contain '+', '#', '/' or spaces: '{node}'.", nameof(node));
        }
    }

    private string Agent(string node, string kind)
    {
        ValidateNode(node);
        return $"{Root}/agents/{node}/{kind}";
    }
}
