using Energy.Contracts.Policy;

namespace Energy.Gpu.Agents;

/// <summary>What an agent needs from the site: its safe state and how it answers the grid.</summary>
/// <param name="SafeState">Where GPUs go when the controller's assignments run out.</param>
/// <param name="DemandResponse">Frequency stages and restore rules the agent applies by itself.</param>
/// <param name="ShedOrder">The operator's shed order; a GPU whose load is not in it is never shed.</param>
public sealed record AgentOptions(SafeState SafeState, DemandResponsePolicy DemandResponse, IReadOnlyList<ShedStep> ShedOrder)
{
    public static AgentOptions Default { get; } = new(SafeState.Idle, DemandResponsePolicy.NordicFfr, OperatorPolicy.DefaultShedOrder);

    public static AgentOptions From(OperatorPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new AgentOptions(policy.SafeState, policy.DemandResponse, policy.ShedOrder);
    }

    /// <summary>Lowest plausible grid frequency; anything outside [45, 55] Hz is a broken reading, not a grid event.</summary>
    public const double MinPlausibleHz = 45;

    public const double MaxPlausibleHz = 55;
}
