using Energy.Contracts.Units;
using Energy.Gpu.Devices;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Control;

/// <summary>
/// A workload on a real GPU as an <see cref="ILoadActuator"/>: its <see cref="DutyCycleRunner"/> runs
/// the work on a thread of its own, and the duty cycle set here is the runner's. Duty 0 is about
/// 120 W on an H200 (a live context, GPU.md); full duty is the workload's own ceiling or the GPU's
/// power cap, whichever is lower.
/// </summary>
public abstract class DutyCycleLoad : ILoadActuator, IDisposable
{
    private bool _disposed;

    protected DutyCycleLoad(IGpuDevice device, DutyCycleModel model, IDutyCycleWork work, TimeProvider time, ILogger logger, TimeSpan? period)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(model);
        Device = device;
        Model = model;
        Runner = new DutyCycleRunner($"{device.Id} {model.Workload}", work, time, logger, period);
    }

    public IGpuDevice Device { get; }

    public DutyCycleModel Model { get; }

    public double Duty => Runner.Duty;

    public Power MaxReachable => Power.Min(Model.PowerAt(1), Device.MaxPower);

    public Power MinReachable => Power.Min(Model.PowerAt(0), MaxReachable);

    /// <summary>The GPU error that stopped this load; null while it can run.</summary>
    public Exception? Fault => Runner.Fault;

    /// <summary>The thread, its period and its counters.</summary>
    public DutyCycleRunner Runner { get; }

    /// <summary>Useful work per second at the current duty cycle, in the workload's own unit.</summary>
    public virtual double Throughput => 0;

    public void SetDuty(double duty) => Runner.SetDuty(duty);

    public void Idle() => Runner.SetDuty(0);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            Runner.Dispose();
        }
    }
}
