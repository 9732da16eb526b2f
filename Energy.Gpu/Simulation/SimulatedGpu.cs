using Energy.Contracts.Agents;
using Energy.Contracts.Units;
using Energy.Gpu.Devices;

namespace Energy.Gpu.Simulation;

/// <summary>
/// A GPU without hardware, with the power response of a real one and the readings NVML gives of it.
/// <list type="bullet">
/// <item><b>Kernels stop</b> (a running GPU told to idle, as a shed does): the kernel launch in flight
/// finishes first — HeatGrid's loads run in bursts of at most one 25-ms duty-cycle period
/// (<see cref="Control.DutyCycleRunner.DefaultPeriod"/>), and the model takes the whole burst, the slowest
/// case — then board power falls to idle power first-order with τ = 20 ms (<see cref="StopTimeConstant"/>):
/// 95 % of the way after 25 + 60 ms. A board's power follows its SMs within milliseconds once they stop
/// switching; AI training swings whole racks between near-TDP and near-idle several times a second
/// (Choukse et al., "Power Stabilization for AI Training Datacenters", arXiv 2508.14318), and on an H200
/// the 25-ms instant reading follows a stop within a refresh or two (shared/GPU.md). 20 ms is an upper
/// estimate of that electrical fall, so the simulation is not faster than a real board.</item>
/// <item><b>Any other change</b> (a new target while work runs, work starting): first-order with
/// τ = 0.3 s (<see cref="PowerTimeConstant"/>), the time a GPU takes to follow a new power limit and that
/// HeatGrid's software power controller needs to trim a new duty cycle in (shared/GPU.md: duty-cycle steps
/// settled within ≈ 1.25 s in the 1-s average).</item>
/// <item><b>Readings</b>: <see cref="GpuState.Power"/> models <c>NVML_FI_DEV_POWER_INSTANT</c>, the mean board
/// power over the last completed 25-ms refresh window (<see cref="InstantWindow"/>; refreshed about every
/// 25 ms on Hopper, shared/GPU.md; the sensor averages windows rather than sampling a point, Yang et al.,
/// "Part-time Power Measurements: nvidia-smi's Lack of Attention", arXiv 2312.02741): it shows a stop
/// 25–50 ms late. <see cref="GpuState.AveragePower"/> is the trailing 1-s mean, as
/// <c>nvmlDeviceGetPowerUsage</c> on Ampere (except GA100) and newer (NVML reference), lagging a step by
/// ≈ 1 s. The energy counter is the exact integral of the power curve.</item>
/// </list>
/// Not modelled: Blackwell's optional power smoothing, which ramps power down at a configured rate on
/// purpose (NVML power-smoothing profiles), and the slower drop of idle power once the GPU leaves P0.
/// The GPU warms up with a first-order thermal model. Power is exact between target changes, so the
/// figures do not depend on how often anyone reads them.
/// </summary>
public sealed class SimulatedGpu : IGpuDevice
{
    /// <summary>Time constant of the power response to a new target while work runs.</summary>
    public static readonly TimeSpan PowerTimeConstant = TimeSpan.FromSeconds(0.3);

    /// <summary>How long the kernel launch in flight still runs once the GPU is told to idle: one whole duty-cycle burst.</summary>
    public static readonly TimeSpan KernelTail = TimeSpan.FromMilliseconds(25);

    /// <summary>Time constant of the board's electrical fall once its kernels have stopped.</summary>
    public static readonly TimeSpan StopTimeConstant = TimeSpan.FromMilliseconds(20);

    /// <summary>The refresh window of the modelled instant reading.</summary>
    public static readonly TimeSpan InstantWindow = TimeSpan.FromMilliseconds(25);

    private static readonly TimeSpan AverageWindow = TimeSpan.FromSeconds(1);
    private const double ThermalTimeConstantSeconds = 60;
    private const double CoolantCelsius = 40;
    private const double KelvinPerWatt = 0.06;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    // Since each target change, power is P(t) = target + (P0 − target)·e^(−(t−start)/τ): one segment per change,
    // in order of start. A stop's segment starts when the kernel in flight ends, possibly after now.
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
        _segments.Add(new Segment(_thermalAt, idlePower.Watts, idlePower.Watts, 0, PowerTimeConstant.TotalSeconds));
    }

    public string Id { get; }

    public string Model { get; }

    public string Pool { get; }

    public Power MinPower { get; }

    public Power IdlePower { get; }

    public Power MaxPower { get; }

    public GpuPowerReading PowerReading => GpuPowerReading.SimulatedInstant;

    public void Apply(string? workload, Power target)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            Warm(now);

            // Idle draws idle power; work is held between the GPU's lowest and highest power limit.
            var targetWatts = ((IGpuDevice)this).Range.Holds(workload, target).Watts;
            var last = _segments[^1];
            if (workload == _workload && targetWatts == last.TargetWatts)
            {
                return;   // the same command again changes nothing (and does not postpone a stop)
            }

            // A command overrides one that has not taken effect yet.
            var stopping = workload is null && _workload is not null;
            _segments.RemoveAll(s => s.Start > now);
            _workload = workload;
            var current = SegmentAt(now);
            var start = stopping ? now + KernelTail : now;
            var tau = stopping ? StopTimeConstant : PowerTimeConstant;
            _segments.Add(new Segment(start, current.PowerAt(start), targetWatts, current.JoulesAt(start), tau.TotalSeconds));
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
            return new GpuState(Id, Pool, _workload, Power.FromWatts(_segments[^1].TargetWatts), Power.FromWatts(InstantReading(now)),
                Power.FromWatts(MeanPower(now - AverageWindow, now)), EnergyAmount.FromJoules(JoulesAt(now)),
                Temperature.FromCelsius(_celsius), now);
        }
    }

    /// <summary>The modelled board power at <paramref name="t"/> (not a reading: what an external meter on the board would show).</summary>
    public Power BoardPowerAt(DateTimeOffset t)
    {
        lock (_lock)
        {
            return Power.FromWatts(SegmentAt(t).PowerAt(t));
        }
    }

    /// <summary>The instant field: the mean over the last refresh window completed by now, windows aligned on the clock.</summary>
    private double InstantReading(DateTimeOffset now)
    {
        var window = InstantWindow.Ticks;
        var end = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % window), TimeSpan.Zero);
        return MeanPower(end - InstantWindow, end);
    }

    /// <summary>Mean power over [from, to]; younger than the span, the mean since power-on.</summary>
    private double MeanPower(DateTimeOffset from, DateTimeOffset to)
    {
        if (from < _segments[0].Start)
        {
            from = _segments[0].Start;
        }

        var span = (to - from).TotalSeconds;
        return span <= 0 ? SegmentAt(to).PowerAt(to) : (JoulesAt(to) - JoulesAt(from)) / span;
    }

    private Segment SegmentAt(DateTimeOffset t)
    {
        for (var i = _segments.Count - 1; i > 0; i--)
        {
            if (_segments[i].Start <= t)
            {
                return _segments[i];
            }
        }

        return _segments[0];
    }

    private double JoulesAt(DateTimeOffset t) => SegmentAt(t).JoulesAt(t);

    /// <summary>Keeps the segments the 1-s window still needs (the first one kept starts at or before it) and those still to come.</summary>
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
        var watts = (JoulesAt(now) - JoulesAt(_thermalAt)) / dt;
        var steadyCelsius = CoolantCelsius + (KelvinPerWatt * watts);
        _celsius = steadyCelsius + ((_celsius - steadyCelsius) * Math.Exp(-dt / ThermalTimeConstantSeconds));
        _thermalAt = now;
    }

    private readonly record struct Segment(DateTimeOffset Start, double StartWatts, double TargetWatts, double StartJoules, double Tau)
    {
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
