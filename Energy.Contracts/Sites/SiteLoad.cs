using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>
/// The site's one accounting of what it draws from the grid: every GPU's power with its pool's cooling
/// (<see cref="GpuPool.GridPowerFor"/>), plus the load HeatGrid does not control (the base load). The
/// planner, the controller's sequencer and shedder, the status page, the backtest and the demo's meter
/// all count with it, so that they cannot disagree about whether the cap holds. Pure; thread-safe.
/// </summary>
public sealed class SiteLoad
{
    private readonly Dictionary<string, GpuPool> _pools;

    public SiteLoad(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        Site = site;
        _pools = site.Pools.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    public Site Site { get; }

    public bool Knows(string pool) => _pools.ContainsKey(pool);

    public GpuPool Pool(string pool) => _pools.TryGetValue(pool, out var p)
        ? p
        : throw new KeyNotFoundException($"Site '{Site.Name}' has no GPU pool '{pool}'.");

    /// <summary>Grid power of GPUs of <paramref name="pool"/> drawing <paramref name="gpuPower"/>, cooling included.</summary>
    public Power GridOf(string pool, Power gpuPower) => Pool(pool).GridPowerFor(gpuPower);

    /// <inheritdoc cref="GridOf(string, Power)"/>
    public double GridWatts(string pool, double gpuWatts) => gpuWatts * Pool(pool).GridFactor;

    /// <summary>What a GPU of <paramref name="pool"/> holds for a command, by the pool's range (idle power without work).</summary>
    public Power Holds(string pool, string? workload, Power target) => Pool(pool).Range.Holds(workload, target);

    /// <summary>Grid power of a command to a GPU of <paramref name="pool"/>: what it will hold, with cooling.</summary>
    public Power GridOfCommand(string pool, string? workload, Power target) => GridOf(pool, Holds(pool, workload, target));

    /// <summary>The site's import: <paramref name="baseLoad"/> plus each GPU's draw with its pool's cooling.</summary>
    public Power Import(Power baseLoad, IEnumerable<(string Pool, Power Gpu)> gpus)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        return baseLoad + Controlled(gpus);
    }

    /// <summary>What the GPUs draw from the grid, cooling included: the load HeatGrid controls.</summary>
    public Power Controlled(IEnumerable<(string Pool, Power Gpu)> gpus)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        var watts = 0.0;
        foreach (var (pool, gpu) in gpus)
        {
            watts += GridWatts(pool, gpu.Watts);
        }

        return Power.FromWatts(watts);
    }

    /// <summary>Grid power of a whole pool: <paramref name="busy"/> GPUs sharing <paramref name="workPower"/>, the rest idle, cooling included.</summary>
    public static Power PoolImport(GpuPool pool, int busy, Power workPower)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return pool.GridPowerFor(workPower + (pool.IdlePowerPerGpu * Math.Max(0, pool.Count - busy)));
    }

    /// <summary>Every GPU of every pool idle, cooling included: the least the GPUs can draw while powered on.</summary>
    public Power IdleImport => Power.FromWatts(Site.Pools.Sum(p => p.GridPowerFor(p.IdlePower).Watts));
}
