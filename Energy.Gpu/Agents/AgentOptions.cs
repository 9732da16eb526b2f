using Energy.Contracts.Policy;
using Energy.Contracts.Sites;

namespace Energy.Gpu.Agents;

/// <summary>What an agent needs from the site: its safe state and how it answers the grid.</summary>
/// <param name="SafeState">Where GPUs go when the controller's assignments run out.</param>
/// <param name="DemandResponse">Frequency stages and restore rules the agent applies by itself.</param>
/// <param name="ShedOrder">The operator's shed order; a GPU whose load is not in it is never shed.</param>
public sealed record AgentOptions(SafeState SafeState, DemandResponsePolicy DemandResponse, IReadOnlyList<ShedStep> ShedOrder)
{
    /// <summary>How long an assignment holds at most without renewal, whatever a batch's <c>validUntil</c> says.</summary>
    public static readonly TimeSpan DefaultDeadman = TimeSpan.FromSeconds(10);

    public static AgentOptions Default { get; } = new(SafeState.Idle, DemandResponsePolicy.NordicFfr, OperatorPolicy.DefaultShedOrder);

    /// <summary>
    /// The site file the agent enforces by itself, whoever signed a batch: each GPU within its pool's power
    /// range, only the workloads the file allows on its pool, a cap share within the site's import cap.
    /// Null only where the logic is exercised alone (tests).
    /// </summary>
    public Site? Site { get; init; }

    /// <summary>The dead-man: a batch is followed at most this long after it arrived (a longer <c>validUntil</c> is cut to it).</summary>
    public TimeSpan Deadman { get; init; } = DefaultDeadman;

    /// <summary>Where this agent takes the grid frequency from (<see cref="FrequencySource.Signal"/> or <see cref="FrequencySource.Topic"/>); samples from elsewhere are not acted on.</summary>
    public FrequencySource FrequencySource { get; init; } = FrequencySource.Topic;

    public static AgentOptions From(OperatorPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new AgentOptions(policy.SafeState, policy.DemandResponse, policy.ShedOrder);
    }

    /// <summary>The site's policy, with the site file to enforce and the frequency source it configures.</summary>
    public static AgentOptions From(Site site, TimeSpan deadman)
    {
        ArgumentNullException.ThrowIfNull(site);
        var dr = site.Policy.DemandResponse;
        return From(site.Policy) with { Site = site, Deadman = deadman, FrequencySource = dr.SourceFor(site.Maps(dr.FrequencySignal)) };
    }

    /// <summary>Lowest plausible grid frequency; anything outside [45, 55] Hz is a broken reading, not a grid event.</summary>
    public const double MinPlausibleHz = 45;

    public const double MaxPlausibleHz = 55;

    /// <summary>A sample stamped later than its arrival by more than this is refused (hosts keep their clocks by NTP).</summary>
    public static readonly TimeSpan MaxFrequencySkew = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The fastest plausible change of the grid frequency, Hz/s: twice the 2 Hz/s (over 500 ms) that
    /// ENTSO-E's requirements for generators (RfG) ask units to ride through. A sample further from the
    /// last one than <see cref="FrequencyStepHz"/> plus this rate over the time between them is a broken or
    /// forged reading (a spike to 46 Hz between two 50 Hz samples), not the grid.
    /// </summary>
    public const double MaxRocofHzPerSecond = 4;

    /// <summary>The change allowed at once, whatever the time between samples: a relay's or a test's step, a coarse meter.</summary>
    public const double FrequencyStepHz = 0.5;
}
