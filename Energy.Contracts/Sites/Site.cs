using Energy.Contracts.Devices;
using Energy.Contracts.Policy;
using Energy.Contracts.Prices;
using Energy.Contracts.Signals;
using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>
/// A facility as the operator describes it in the site file: its grid connection, GPU pools, heat
/// loops, workloads and policy. Immutable; a changed file gives a new <see cref="Site"/>.
/// </summary>
public sealed record Site
{
    public required string Name { get; init; }

    public required TimeZoneInfo TimeZone { get; init; }

    public required Currency Currency { get; init; }

    public required GridConnection Grid { get; init; }

    public required IReadOnlyList<GpuPool> Pools { get; init; }

    public required IReadOnlyList<HeatLoop> HeatLoops { get; init; }

    public required IReadOnlyList<Workload> Workloads { get; init; }

    public required OperatorPolicy Policy { get; init; }

    /// <summary>Modbus devices (meters, tank and BMS controllers) whose points feed signals.</summary>
    public IReadOnlyList<ModbusDevice> Devices { get; init; } = [];

    /// <summary>Inputs that arrive over MQTT (BMS states, tank temperatures, tenant demand, prices).</summary>
    public IReadOnlyList<TopicSignal> TopicSignals { get; init; } = [];

    /// <summary>The day-ahead market's clearing-price limits (site file <c>market.priceLimits</c>; SDAC's by default): prices outside are refused.</summary>
    public PriceLimits PriceLimits { get; init; } = PriceLimits.Sdac;

    /// <summary>
    /// The site file's <c>demo</c>: true runs the whole demo world (simulated plant, BMS, market), false says nothing is
    /// simulated; null (left out) simulates only the devices marked <c>simulate</c>.
    /// </summary>
    public bool? Demo { get; init; }

    public GpuPool Pool(string name) => Pools.FirstOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"Site '{Name}' has no GPU pool '{name}'.");

    public HeatLoop? LoopOf(GpuPool pool) => pool.HeatLoop is null ? null : HeatLoops.First(l => l.Name == pool.HeatLoop);

    public int TotalGpus => Pools.Sum(p => p.Count);

    /// <summary>Whether a device point or an MQTT signal of the site file feeds <paramref name="signal"/>: the site measures it.</summary>
    public bool Maps(string signal) =>
        Devices.Any(d => d.Points.Any(p => p.Signal == signal)) || TopicSignals.Any(t => t.Signal == signal);
}
