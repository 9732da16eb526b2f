using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>
/// The power a GPU can be held at: its lowest working limit, its power with no work, its highest
/// limit. A pool's range is the site file's; a GPU's own range is what its agent reports (NVML's
/// limits), which may differ from its pool's.
/// </summary>
public readonly record struct GpuPowerRange(Power Min, Power Idle, Power Max)
{
    public static GpuPowerRange FromWatts(double minW, double idleW, double maxW) =>
        new(Power.FromWatts(minW), Power.FromWatts(idleW), Power.FromWatts(maxW));

    /// <summary>What a GPU of this range holds for a command: idle power without work, else the target within [Min, Max] (agents clamp to it).</summary>
    public Power Holds(string? workload, Power target) => workload is null ? Idle : target.Clamp(Min, Max);

    /// <inheritdoc cref="Holds(string?, Power)"/>
    public double HoldsWatts(string? workload, double targetW) =>
        workload is null ? Idle.Watts : Math.Clamp(targetW, Min.Watts, Max.Watts);
}
