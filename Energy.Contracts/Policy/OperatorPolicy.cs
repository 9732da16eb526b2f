using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Contracts.Policy;

/// <summary>The facility operator's energy policy: what is shed first, price limits, ramps and dwell times.</summary>
/// <param name="ShedOrder">Order in which load is given up; SLA inference is shed only if listed.</param>
/// <param name="MaxImportPrice">Above this all-in price only SLA work runs; null for no limit.</param>
/// <param name="RampLimitPerMinute">Most the site's controllable load may change in a minute; null for no limit.</param>
/// <param name="MinDwell">Least time a GPU stays on a workload before it is moved again.</param>
/// <param name="SafeState">What GPUs fall back to without a valid plan.</param>
public sealed record OperatorPolicy(
    IReadOnlyList<ShedStep> ShedOrder,
    EnergyPrice? MaxImportPrice,
    Power? RampLimitPerMinute,
    TimeSpan MinDwell,
    SafeState SafeState)
{
    public static IReadOnlyList<ShedStep> DefaultShedOrder { get; } =
        [ShedStep.Mining, ShedStep.Heater, ShedStep.InferenceAboveSla];

    public bool MayShedSla => ShedOrder.Contains(ShedStep.InferenceSla);

    /// <summary>Under-frequency response and curtailment behaviour; Nordic FFR's levels unless the site file says otherwise.</summary>
    public DemandResponsePolicy DemandResponse { get; init; } = DemandResponsePolicy.NordicFfr;

    /// <summary>Position of a step in the shed order (0 goes first), or null when that load is never shed.</summary>
    public int? ShedRank(ShedStep step) => ShedSteps.RankIn(ShedOrder, step);

    /// <summary>How long load of a step is kept: its position, after every listed step when it is never shed (see <see cref="ShedSteps.KeepRank"/>).</summary>
    public int KeepRank(ShedStep? step) => ShedSteps.KeepRank(ShedOrder, step);

    /// <summary>The keep rank of a workload's load (inference as above its SLA); unknown or no workload is kept least (-1).</summary>
    public int KeepRank(Workload? workload) => workload is null ? -1 : KeepRank(ShedSteps.Of(workload));
}
