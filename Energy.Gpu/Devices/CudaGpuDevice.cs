using Energy.Contracts.Agents;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Gpu.Control;
using Energy.Gpu.Interop;
using Energy.Gpu.Nvml;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Devices;

/// <summary>
/// One physical NVIDIA GPU. NVML gives its readings (instant power from the field values for
/// control, the 1-s average, the energy counter, temperature); a <see cref="PowerController"/> holds
/// each target by turning the duty cycle of the assigned workload's load: mining → SHA-256d, heater
/// and inference → bf16 GEMMs, idle → none. Loads are made on first use and kept; switching workload
/// idles the old one first. The GPU's own power limit is left alone unless
/// <see cref="CudaGpuDeviceOptions.PowerLimit"/> says otherwise.
/// </summary>
public sealed class CudaGpuDevice : IGpuDevice, IDisposable
{
    private readonly NvmlGpu _nvml;
    private readonly IGpuLoadFactory _loads;
    private readonly Func<string, WorkloadKind?> _kindOf;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CudaGpuDeviceOptions _options;
    private readonly Lock _lock = new();
    private readonly Lock _readLock = new();
    private readonly Dictionary<WorkloadKind, ILoadActuator> _created = [];
    private readonly HashSet<string> _unavailableLogged = new(StringComparer.Ordinal);
    private readonly PowerLimits _limitsAtStart;
    private ILoadActuator? _active;
    private PowerController? _controller;
    private string? _lastOutOfReach;
    private volatile string? _workload;
    private Power _target;
    private GpuState _lastGood;
    private bool _readFailing;
    private bool _limitChanged;
    private Power? _lastLimitTarget;
    private Power? _controllerTarget;
    private bool _disposed;

    public CudaGpuDevice(string id, string pool, NvmlGpu nvml, Power idlePower, IGpuLoadFactory loads, Func<string, WorkloadKind?> kindOf,
        TimeProvider time, ILogger logger, CudaGpuDeviceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(pool);
        ArgumentNullException.ThrowIfNull(nvml);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(kindOf);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        Id = id;
        Pool = pool;
        _nvml = nvml;
        _loads = loads;
        _kindOf = kindOf;
        _time = time;
        _logger = logger;
        _options = options ?? new CudaGpuDeviceOptions();
        Model = nvml.Name;
        Uuid = nvml.Uuid;
        _limitsAtStart = nvml.PowerLimits;
        MinPower = _limitsAtStart.Min;
        MaxPower = _limitsAtStart.Enforced;
        IdlePower = idlePower;
        _target = idlePower;
        _lastGood = ReadNvml();
    }

    public string Id { get; }

    /// <summary>NVML's name, e.g. <c>NVIDIA H200</c>.</summary>
    public string Model { get; }

    /// <summary><c>GPU-…</c>, as nvidia-smi prints it.</summary>
    public string Uuid { get; }

    public string Pool { get; }

    /// <summary>The lowest power limit the board accepts.</summary>
    public Power MinPower { get; }

    public Power IdlePower { get; }

    /// <summary>The power limit in force when HeatGrid started: what the GPU can draw.</summary>
    public Power MaxPower { get; }

    /// <summary>The load running the current workload; null while idle.</summary>
    public ILoadActuator? ActiveLoad
    {
        get
        {
            lock (_lock)
            {
                return _active;
            }
        }
    }

    /// <summary>What the controller holds and whether it is in reach; null while idle.</summary>
    public PowerTargetStatus? TargetStatus
    {
        get
        {
            lock (_lock)
            {
                return _controller?.Status;
            }
        }
    }

    public void Apply(string? workload, Power target)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var load = workload is null ? null : LoadFor(workload);
            var running = load is null ? null : workload;
            if (!ReferenceEquals(load, _active))
            {
                // Stopped first: a controller sample after this point could set a duty cycle on the old load.
                _controller?.Dispose();
                _controller = null;
                _active?.Idle();
                Log.GpuWorkloadChanged(_logger, Id, _workload ?? "idle", running ?? "idle", load is null ? IdlePower.Watts : target.Watts);
                _active = load;
                _lastOutOfReach = null;
                _controllerTarget = null;
                if (load is not null)
                {
                    _controller = new PowerController(load, _time, _options.Controller);
                    _controller.Start();
                }
            }

            _workload = running;
            _target = load is null ? IdlePower : ((IGpuDevice)this).Range.Holds(workload, target);
            // The control loop repeats its assignments every second; only a new target restarts the
            // controller's out-of-reach watch, or a target it cannot reach would never be reported.
            if (_controller is not null && (_controllerTarget is not { } held || Math.Abs((held - target).Watts) >= 0.5))
            {
                _controllerTarget = target;
                ApplyPowerLimit(_controller.SetTarget(target).Held);
            }

            // Out of reach up front (the workload's range), or found so by the controller since (duty pinned).
            var miss = _controller?.Status is { Reachable: false, Message: { } message } ? message : null;
            if (miss is not null && miss != _lastOutOfReach)
            {
                Log.GpuTargetOutOfReach(_logger, Id, miss);
            }

            _lastOutOfReach = miss;
        }
    }

    /// <summary>The instant field where the driver has it (<see cref="NvmlGpu.CanReadInstantPower"/>), else the 1-s average.</summary>
    public GpuPowerReading PowerReading => _nvml.CanReadInstantPower ? GpuPowerReading.NvmlInstant : GpuPowerReading.NvmlAverage;

    /// <summary>NVML now; on a failed read the last good reading (with its own timestamp), logged once per failure.</summary>
    public double Throughput => Volatile.Read(ref _active) is DutyCycleLoad load ? load.Throughput : 0;

    public GpuState Read()
    {
        lock (_readLock)
        {
            try
            {
                var state = ReadNvml();
                if (_readFailing)
                {
                    _readFailing = false;
                    Log.GpuReadRecovered(_logger, Id);
                }

                _lastGood = state;
                return state;
            }
            catch (NvmlException ex)
            {
                if (!_readFailing)
                {
                    _readFailing = true;
                    Log.GpuReadFailed(_logger, Id, ex.Message);
                }

                return _lastGood;
            }
        }
    }

    /// <summary>Idles and stops every load (waiting for their threads), and puts back a power limit it changed.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _controller?.Dispose();
            _controller = null;
            _active?.Idle();
            _active = null;
            _workload = null;
            foreach (var load in _created.Values.OfType<IDisposable>())
            {
                load.Dispose();
            }

            if (_limitChanged)
            {
                var restored = _nvml.TrySetPowerLimit(_limitsAtStart.Enforced);
                Log.GpuPowerLimit(_logger, Id, restored.Description);
            }
        }

        (_loads as IDisposable)?.Dispose();
    }

    private GpuState ReadNvml() =>
        new(Id, Pool, _workload, _target, _nvml.InstantPower, _nvml.AveragePower, _nvml.EnergyCounter, _nvml.Temperature, _time.GetUtcNow());

    private ILoadActuator? LoadFor(string workload)
    {
        if (_kindOf(workload) is not { } kind)
        {
            Unavailable(workload, "the site file has no such workload");
            return null;
        }

        if (!_created.TryGetValue(kind, out var load))
        {
            try
            {
                load = _loads.Create(kind, this);
            }
            catch (Exception ex) when (ex is CudaException or CublasException or NvrtcException or ArgumentException)
            {
                Unavailable(workload, ex.Message);
                return null;
            }

            _created[kind] = load;
        }

        if (load is DutyCycleLoad { Fault: { } fault })
        {
            Unavailable(workload, "its load stopped after a GPU error: " + fault.Message);
            return null;
        }

        return load;
    }

    private void Unavailable(string workload, string why)
    {
        if (_unavailableLogged.Add(workload + "\n" + why))
        {
            Log.GpuWorkloadUnavailable(_logger, Id, workload, why);
        }
    }

    private void ApplyPowerLimit(Power held)
    {
        if (_options.PowerLimit == NvmlPowerLimitMode.Off || (_lastLimitTarget is { } last && Math.Abs((last - held).Watts) < 1))
        {
            return;
        }

        _lastLimitTarget = held;
        if (_options.PowerLimit == NvmlPowerLimitMode.DryRun)
        {
            Log.GpuPowerLimit(_logger, Id, _nvml.DescribePowerLimitChange(held));
            return;
        }

        var change = _nvml.TrySetPowerLimit(held);
        _limitChanged |= change.Outcome == PowerLimitChangeOutcome.Applied;
        Log.GpuPowerLimit(_logger, Id, change.Description);
    }
}
