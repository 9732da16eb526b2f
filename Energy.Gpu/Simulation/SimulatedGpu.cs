using Energy.Contracts.Agents;
using Energy.Contracts.Units;
using Energy.Gpu.Devices;

namespace Energy.Gpu.Simulation;

/// <summary>
/// A GPU without hardware: power follows its target with a first-order lag (a real GPU follows a new
/// limit in ≈ 0.3 s), reports a 1-s average as NVML does, integrates an energy counter, and warms up
/// with a first-order thermal model. State advances lazily to the time provider's now on every call.
/// </summary>
public sealed class SimulatedGpu : IGpuDevice
{
    /// <summary>Time constant of the power response to a new target.</summary>
    public static readonly TimeSpan PowerTimeConstant = TimeSpan.FromSeconds(0.3);

    private const double ThermalTimeConstantSeconds = 60;
    private const double CoolantCelsius = 40;
    private const double KelvinPerWatt = 0.06;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Queue<(DateTimeOffset At, double Joules)> _history = new();
    private DateTimeOffset _at;
    private double _watts;
    private double _targetWatts;
    private double _joules;
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
        _at = time.GetUtcNow();
        _watts = _targetWatts = idlePower.Watts;
        _history.Enqueue((_at, 0));
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
            Advance();
            _workload = workload;

            // Idle draws idle power; work is held between the GPU's lowest and highest power limit.
            _targetWatts = workload is null ? IdlePower.Watts : target.Clamp(MinPower, MaxPower).Watts;
        }
    }

    public GpuState Read()
    {
        lock (_lock)
        {
            Advance();
            return new GpuState(Id, Pool, _workload, Power.FromWatts(_targetWatts), Power.FromWatts(_watts),
                Power.FromWatts(OneSecondAverage()), EnergyAmount.FromJoules(_joules), Temperature.FromCelsius(_celsius), _at);
        }
    }

    private void Advance()
    {
        var now = _time.GetUtcNow();
        var dt = (now - _at).TotalSeconds;
        if (dt <= 0)
        {
            return;
        }

        // Exact solution of dP/dt = (target − P)/τ over dt; energy is its integral.
        var decay = Math.Exp(-dt / PowerTimeConstant.TotalSeconds);
        var start = _watts;
        _watts = _targetWatts + ((start - _targetWatts) * decay);
        var joules = (_targetWatts * dt) + ((start - _targetWatts) * PowerTimeConstant.TotalSeconds * (1 - decay));
        _joules += joules;
        _history.Enqueue((now, _joules));

        var steadyCelsius = CoolantCelsius + (KelvinPerWatt * _watts);
        _celsius = steadyCelsius + ((_celsius - steadyCelsius) * Math.Exp(-dt / ThermalTimeConstantSeconds));
        _at = now;
        TrimHistory();
    }

    /// <summary>Keeps one sample at or before the start of the 1-s window, and all after it.</summary>
    private void TrimHistory()
    {
        var windowStart = _at - TimeSpan.FromSeconds(1);
        while (_history.Count > 1 && _history.ElementAt(1).At <= windowStart)
        {
            _history.Dequeue();
        }
    }

    /// <summary>Trailing 1-s average from the energy counter, as NVML's power usage reports it.</summary>
    private double OneSecondAverage()
    {
        var windowStart = _at - TimeSpan.FromSeconds(1);

        var (firstAt, firstJoules) = _history.Peek();
        if (firstAt >= _at)
        {
            return _watts;
        }

        var from = firstAt > windowStart ? firstAt : windowStart;
        var joulesAtFrom = firstJoules;
        if (firstAt < windowStart && _history.Count > 1)
        {
            // Linear between the two samples around the window's start.
            var (nextAt, nextJoules) = _history.ElementAt(1);
            var share = (windowStart - firstAt) / (nextAt - firstAt);
            joulesAtFrom = firstJoules + ((nextJoules - firstJoules) * share);
        }

        return (_joules - joulesAtFrom) / (_at - from).TotalSeconds;
    }
}
