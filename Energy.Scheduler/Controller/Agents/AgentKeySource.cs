namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// Where a process's agent keys come from: a key file (re-read when it changes, so keys rotate without a
/// restart), key lines given directly (an environment variable; fixed for the process's life), or none —
/// the protocol unsigned, only with <c>--insecure-unsigned</c>.
/// </summary>
/// <param name="Node">The agent's own node (only its keys are kept), or null for the controller (every node's).</param>
public sealed record AgentKeySource(string? File, string? Lines, string Origin, string? Node)
{
    /// <summary>The controller's environment variable naming its key file.</summary>
    public const string ControllerFileVariable = "HEATGRID_AGENT_KEYS_FILE";

    /// <summary>The agent's environment variable holding its key line(s) (<c>NODE KID BASE64KEY</c>, several separated by ';').</summary>
    public const string AgentKeyVariable = "HEATGRID_AGENT_KEY";

    public static AgentKeySource None { get; } = new(null, null, "none", null);

    public bool IsUnsigned => File is null && Lines is null;

    public static AgentKeySource FromFile(string path, string? node) => new(Path.GetFullPath(path), null, path, node);

    public static AgentKeySource FromLines(string lines, string origin, string node) => new(null, lines, origin, node);
}
