using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Controller.Dispatch;

/// <summary>
/// What one workload is to get in one pool in this dispatch: the plan's GPUs and power, less what
/// offline GPUs, the pool's size and the minimum power per GPU leave of it.
/// </summary>
internal sealed class WorkloadTarget(string name, int priority, InferenceWorkload? tenant, int plannedGpus, Power plannedPower)
{
    // Absorbs rounding in budget / minimum so that a plan of exactly n GPUs at the minimum holds n.
    private const double Tolerance = 1e-9;

    public string Name => name;

    /// <summary>Higher is shed later and filled first.</summary>
    public int Priority => priority;

    /// <summary>The tenant's workload when this is inference; null otherwise.</summary>
    public InferenceWorkload? Tenant => tenant;

    public int Gpus { get; private set; } = plannedGpus;

    /// <summary>Power the workload may draw in the pool, spread over whatever GPUs it ends up with.</summary>
    public Power Budget { get; private set; } = plannedPower;

    /// <summary>Fewer GPUs at the plan's power per GPU: what the missing GPUs would have drawn goes to no one else.</summary>
    public void Shrink(int gpus)
    {
        Budget = Gpus == 0 ? Power.Zero : Budget * ((double)gpus / Gpus);
        Gpus = gpus;
    }

    /// <summary>Fewer GPUs, same power: used when the budget cannot hold the plan's GPUs at the pool's minimum.</summary>
    public void LimitTo(int gpus) => Gpus = Math.Clamp(gpus, 0, Gpus);

    /// <summary>Most GPUs the budget holds at the pool's minimum power per GPU.</summary>
    public int Capacity(GpuPool pool) => pool.MinPowerPerGpu.Watts <= 0
        ? int.MaxValue
        : (int)Math.Clamp(Math.Floor(Budget / pool.MinPowerPerGpu + Tolerance), 0, int.MaxValue);
}
