using System.Globalization;
using Energy.Contracts.Units;

namespace Energy.Gpu.Control;

/// <summary>
/// Holds a watt target on one GPU by turning a workload's duty cycle, from instant-power feedback (NVML's
/// 1-s average lags ≈ 1 s, too slow to steer by). Each sample: duty = feedforward from the workload's
/// <see cref="DutyCycleModel"/> + P + I on the error, clamped to [0, 1]. Anti-windup: the integral runs only
/// near the target (or once power has stopped moving) and never pushes further into a clamped output; targets are clamped to the workload's
/// reach up front, and a target the GPU still misses with the duty cycle pinned is reported out of reach.
/// Driven by <see cref="TimeProvider"/> timers (<see cref="Start"/>) or sample by sample (<see cref="Step"/>).
/// </summary>
public sealed class PowerController : IDisposable
{
    private readonly ILoadActuator _actuator;
    private readonly TimeProvider _time;
    private readonly PowerControllerOptions _options;
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private double _integral;
    private Power? _lastMeasured;
    private TimeSpan _saturatedFor;
    private PowerTargetStatus? _status;

    public PowerController(ILoadActuator actuator, TimeProvider time, PowerControllerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(actuator);
        ArgumentNullException.ThrowIfNull(time);
        _actuator = actuator;
        _time = time;
        _options = options ?? new PowerControllerOptions();
        if (_options.SamplePeriod <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SamplePeriod must be positive.");
        }
    }

    public ILoadActuator Actuator => _actuator;

    /// <summary>The current target and whether it is reachable; null before the first <see cref="SetTarget"/>.</summary>
    public PowerTargetStatus? Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>The duty cycle last set, in [0, 1].</summary>
    public double Duty => _actuator.Duty;

    /// <summary>Sets the watt target; returns what will be held and, if out of reach, why and what to use instead.</summary>
    public PowerTargetStatus SetTarget(Power target)
    {
        if (double.IsNaN(target.Watts) || double.IsInfinity(target.Watts))
        {
            throw new ArgumentOutOfRangeException(nameof(target), "Power target must be finite.");
        }

        var min = _actuator.MinReachable;
        var max = _actuator.MaxReachable;
        var held = target.Clamp(min, max);
        var status = held == target
            ? new PowerTargetStatus(target, held, true, null)
            : new PowerTargetStatus(target, held, false, OutOfReach(target, min, max));
        lock (_lock)
        {
            _status = status;
            _saturatedFor = TimeSpan.Zero;
        }

        return status;
    }

    /// <summary>Samples every <see cref="PowerControllerOptions.SamplePeriod"/> on the <see cref="TimeProvider"/>.</summary>
    public void Start()
    {
        lock (_lock)
        {
            _timer ??= _time.CreateTimer(_ => OnTick(), null, _options.SamplePeriod, _options.SamplePeriod);
        }
    }

    /// <summary>Stops sampling; the workload keeps its last duty cycle.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>One control sample: read instant power, update the duty cycle.</summary>
    public void Step()
    {
        lock (_lock)
        {
            StepLocked();
        }
    }

    public void Dispose() => Stop();

    // A tick already queued when Stop disposed the timer must not set a duty cycle after it: whoever
    // stopped the controller may have idled the workload since.
    private void OnTick()
    {
        lock (_lock)
        {
            if (_timer is not null)
            {
                StepLocked();
            }
        }
    }

    private void StepLocked()
    {
        if (_status is null)
        {
            return;
        }

        var model = _actuator.Model;
        var span = Math.Max((model.Full - model.Idle).Watts, 1);
        var target = _status.Held;
        var measured = _actuator.Device.Read().Power;
        var error = (target - measured).Watts / span;
        var dt = _options.SamplePeriod.TotalSeconds;

        var feedforward = model.DutyFor(target);
        var proportional = _options.Proportional * error;
        var unclamped = feedforward + proportional + _integral;
        var pushingIntoClamp = (unclamped >= 1 && error > 0) || (unclamped <= 0 && error < 0);
        // Integrate near the target, or far from it once power has stopped moving (the model is off); not
        // while the GPU is still following a step, and never further into a clamped duty cycle.
        var steady = _lastMeasured is { } last && Math.Abs((measured - last).Watts) <= _options.SteadyBand * span;
        _lastMeasured = measured;
        if ((Math.Abs(error) <= _options.IntegralBand || steady) && !pushingIntoClamp)
        {
            _integral = Math.Clamp(_integral + (_options.Integral * error * dt), -1, 1);
        }

        var duty = Math.Clamp(feedforward + proportional + _integral, 0, 1);
        _actuator.SetDuty(duty);
        TrackReach(target, measured, duty);
    }

    private void TrackReach(Power target, Power measured, double duty)
    {
        var miss = (measured - target).Watts / Math.Max(target.Watts, 1);
        var pinned = (duty >= 1 && miss < -_options.ReachTolerance) || (duty <= 0 && miss > _options.ReachTolerance);
        _saturatedFor = pinned ? _saturatedFor + _options.SamplePeriod : TimeSpan.Zero;
        if (_saturatedFor >= _options.SaturationGrace && _status is { Reachable: true })
        {
            _status = _status with
            {
                Reachable = false,
                Message = string.Create(CultureInfo.InvariantCulture,
                    $"{_actuator.Model.Workload} on {_actuator.Device.Id} holds {measured.Watts:F0} W with the duty cycle at {duty:P0}, not {target.Watts:F0} W: target out of reach"),
            };
        }
    }

    private string OutOfReach(Power target, Power min, Power max)
    {
        var model = _actuator.Model;
        var device = _actuator.Device;
        if (target > max)
        {
            var heater = !model.IsHeater && target <= device.MaxPower
                ? ": use the heater (GEMM) workload"
                : string.Create(CultureInfo.InvariantCulture, $": {device.Model} is capped at {device.MaxPower.Watts:F0} W");
            return string.Create(CultureInfo.InvariantCulture, $"{model.Workload} tops out near {max.Watts:F0} W{heater}; holding {max.Watts:F0} W");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{model.Workload} cannot go below about {min.Watts:F0} W on {device.Model} (idle with a context, or the GPU's lowest limit); holding {min.Watts:F0} W, stop the workload to go lower");
    }
}
