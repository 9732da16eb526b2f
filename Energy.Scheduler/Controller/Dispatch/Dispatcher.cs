using Energy.Contracts.Agents;
using Energy.Contracts.Planning;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Controller.Dispatch;

/// <summary>
/// One-off dispatch with no history: a fresh <see cref="GpuDispatcher"/> to which every GPU is new,
/// so settled (no dwell holds). The control loop keeps one <see cref="GpuDispatcher"/> instead.
/// </summary>
public static class Dispatcher
{
    public static IReadOnlyList<GpuAssignment> Assign(
        Site site,
        PlanSlot? slot,
        IReadOnlyList<GpuState> gpus,
        DateTimeOffset validUntil,
        long epoch) => new GpuDispatcher(site).Assign(slot, gpus, now: validUntil, validUntil, epoch);
}
