namespace Energy.Scheduler.Controller.Dispatch;

/// <summary>What one dispatch did, counted in GPUs, and why, in the operator's words.</summary>
/// <param name="Moves">GPUs sent to a workload other than their last non-idle one (a re-sent move that has not landed yet is not counted again).</param>
/// <param name="Started">GPUs sent from idle to work.</param>
/// <param name="Stopped">GPUs sent from work to idle.</param>
/// <param name="HeldByDwell">GPUs kept on a workload beyond its plan because their minimum dwell blocks the move another workload wanted.</param>
/// <param name="HeldByHysteresis">Tenant GPUs kept beyond the plan because the decrease was within the hysteresis band.</param>
/// <param name="Offline">GPUs given no assignment because their agent is offline.</param>
/// <param name="Explanations">Why GPUs were kept, moved, idled or left out.</param>
public sealed record DispatchSummary(
    int Moves,
    int Started,
    int Stopped,
    int HeldByDwell,
    int HeldByHysteresis,
    int Offline,
    IReadOnlyList<string> Explanations)
{
    public static DispatchSummary None { get; } = new(0, 0, 0, 0, 0, 0, []);
}
