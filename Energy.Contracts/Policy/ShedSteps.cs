using System.Text.Json;
using Energy.Contracts.Sites;

namespace Energy.Contracts.Policy;

/// <summary>
/// Which step of the operator's shed order a workload's load belongs to, and where a step stands in an
/// order: the one mapping the planners, the controller and the agents share.
/// </summary>
public static class ShedSteps
{
    /// <summary>The step of a kind of work; inference counts as above its SLA unless <paramref name="withinSla"/>.</summary>
    public static ShedStep Of(WorkloadKind kind, bool withinSla = false) => kind switch
    {
        WorkloadKind.Mining => ShedStep.Mining,
        WorkloadKind.Heater => ShedStep.Heater,
        _ => withinSla ? ShedStep.InferenceSla : ShedStep.InferenceAboveSla,
    };

    /// <inheritdoc cref="Of(WorkloadKind, bool)"/>
    /// <returns>Null for no workload (idle).</returns>
    public static ShedStep? Of(Workload? workload, bool withinSla = false) => workload is null ? null : Of(workload.Kind, withinSla);

    /// <summary>Position of <paramref name="step"/> in <paramref name="order"/> (0 is shed first), or null when that load is never shed.</summary>
    public static int? RankIn(IReadOnlyList<ShedStep> order, ShedStep step)
    {
        ArgumentNullException.ThrowIfNull(order);
        for (var i = 0; i < order.Count; i++)
        {
            if (order[i] == step)
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// How long load of <paramref name="step"/> is kept under <paramref name="order"/>: its position, and
    /// <c>order.Count</c> (after every listed step) for load that is never shed or has no step. Higher is
    /// shed later and served first.
    /// </summary>
    public static int KeepRank(IReadOnlyList<ShedStep> order, ShedStep? step)
    {
        ArgumentNullException.ThrowIfNull(order);
        return step is { } s && RankIn(order, s) is { } rank ? rank : order.Count;
    }

    /// <summary>The step's name on the wire and in the API, as the agents' JSON writes it (camelCase: <c>inferenceAboveSla</c>).</summary>
    public static string WireName(ShedStep step) => JsonNamingPolicy.CamelCase.ConvertName(step.ToString());
}
