namespace Energy.Gpu.Agents;

/// <summary>What an agent is doing, as its telemetry reports it.</summary>
public static class AgentState
{
    /// <summary>No valid assignment yet, or the dead-man fired: GPUs in the safe state.</summary>
    public const string Safe = "safe";

    /// <summary>Holding a valid assignment batch.</summary>
    public const string Following = "following";

    /// <summary>Demand response active: sheddable load given up until the frequency has recovered.</summary>
    public const string Shedding = "shedding";
}
