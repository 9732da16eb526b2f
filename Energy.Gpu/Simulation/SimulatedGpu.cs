using Energy.Contracts.Agents;
using Energy.Contracts.Units;
using Energy.Gpu.Devices;

namespace Energy.Gpu.Simulation;

/// <summary>
/// A GPU without hardware: power follows its target with a first-order lag (a real GPU follows a new
/// limit in ≈ 0.3 s), reports a trailing 1-s average as NVML does, integrates an energy counter, and
/// warms up with a first-order thermal model. Power is exact between target changes, so the figures
/// do not depend on how often anyone reads them.
/// </summary>
public sealed class SimulatedGpu : IGpuDevice
{
    /// <summary>Time constant of the power response to a new target.</summary>
    public static readonly TimeSpan PowerTimeConstant = TimeSpan.FromSeconds(0.3);

    private static readonly TimeSpan AverageWindow = TimeSpan.FromSeconds(1);
    private const double ThermalTimeConstantSeconds = 60;
    private const double CoolantCelsius = 40;
    private const double KelvinPerWatt = 0.06;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    // Since each target change, power is P(t) = target + (P0 − target)·e^(−(t−start)/τ): one segment per change.
    private readonly List<Segment> _segments = [];
    private DateTimeOffset _thermalAt;
    private double _celsius = CoolantCelsius;
    private string? _workload;

    public SimulatedGpu(string id, string model, string pool, Power minPower, Power idlePower, Power maxPower, TimeProvider time)
    {
        Id = id;
        Model = model;
        Pool = pool;
        MinPower = minPower;
        IdlePower = idlePower;
        MaxPower = maxPower;
        _time = time;
        _thermalAt = time.GetUtcNow();
        _segments.Add(new Segment(_thermalAt, idlePower.Watts, idlePower.Watts, 0));
    }

    public string Id { get; }

    public string Model { get; }

    public string Pool { get; }

    public Power MinPower { get; }

    public Power IdlePower { get; }

    public Power MaxPower { get; }

    public void Apply(string? workload, Power target)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            Warm(now);
            _workload = workload;

            // Idle draws idle power; work is held between the GPU's lowest and highest power limit.
            var targetWatts = ((IGpuDevice)this).Range.Holds(workload, target).Watts;
            var last = _segments[^1];
            _segments.Add(new Segment(now, last.PowerAt(now), targetWatts, last.JoulesAt(now)));
            Trim(now);
        }
    }

    public GpuState Read()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            Warm(now);
            Trim(now);
            var last = _segments[^1];
            return new GpuState(Id, Pool, _workload, Power.FromWatts(last.TargetWatts), Power.FromWatts(last.PowerAt(now)),
                Power.FromWatts(AverageOverLastSecond(now)), EnergyAmount.FromJoules(last.JoulesAt(now)),
                Temperature.FromCelsius(_celsius), now);
        }
    }

    private double AverageOverLastSecond(DateTimeOffset now)
    {
        var from = now - AverageWindow;
        if (from < _segments[0].Start)
        {
            // Younger than the window: the average since power-on.
            from = _segments[0].Start;
        }

        var span = (now - from).TotalSeconds;
        return span <= 0 ? _segments[^1].PowerAt(now) : (JoulesAt(now) - JoulesAt(from)) / span;
    }

    private double JoulesAt(DateTimeOffset t)
    {
        for (var i = _segments.Count - 1; i >= 0; i--)
        {
            if (_segments[i].Start <= t)
            {
                return _segments[i].JoulesAt(t);
            }
        }

        return 0;
    }

    /// <summary>Keeps the segments the 1-s window still needs; the first one kept starts at or before the window.</summary>
    private void Trim(DateTimeOffset now)
    {
        var from = now - AverageWindow;
        var drop = 0;
        while (drop + 1 < _segments.Count && _segments[drop + 1].Start <= from)
        {
            drop++;
        }

        if (drop > 0)
        {
            _segments.RemoveRange(0, drop);
        }
    }

    private void Warm(DateTimeOffset now)
    {
        var dt = (now - _thermalAt).TotalSeconds;
        if (dt <= 0)
        {
            return;
        }

        // Heats towards the steady temperature of the average power over the step.
        var watts = (_segments[^1].JoulesAt(now) - JoulesAt(_thermalAt)) / dt;
        var steadyCelsius = CoolantCelsius + (KelvinPerWatt * watts);
        _celsius = steadyCelsius + ((_celsius - steadyCelsius) * Math.Exp(-dt / ThermalTimeConstantSeconds));
        _thermalAt = now;
    }

    private readonly record struct Segment(DateTimeOffset Start, double StartWatts, double TargetWatts, double StartJoules)
    {
        private static readonly double Tau = PowerTimeConstant.TotalSeconds;

        public double PowerAt(DateTimeOffset t) => TargetWatts + ((StartWatts - TargetWatts) * Math.Exp(-Elapsed(t) / Tau));

        /// <summary>The energy counter at t: the exact integral of the power curve.</summary>
        public double JoulesAt(DateTimeOffset t)
        {
            var dt = Elapsed(t);
            return StartJoules + (TargetWatts * dt) + ((StartWatts - TargetWatts) * Tau * (1 - Math.Exp(-dt / Tau)));
        }

        private double Elapsed(DateTimeOffset t) => Math.Max(0, (t - Start).TotalSeconds);
    }
}
