using Energy.Contracts.Units;
using Energy.Gpu.Devices;

namespace Energy.Gpu.Control;

/// <summary>
/// A workload on a simulated GPU: each duty cycle becomes the power its <see cref="DutyCycleModel"/> predicts,
/// and the GPU follows with its own lag (τ = 0.3 s for <see cref="Simulation.SimulatedGpu"/>). The simulated GPU
/// holds work between its power limits, so the reach is the model's range clamped to them.
/// </summary>
public sealed class SimulatedLoad : ILoadActuator
{
    public SimulatedLoad(IGpuDevice device, DutyCycleModel model)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(model);
        Device = device;
        Model = model;
    }

    public IGpuDevice Device { get; }

    public DutyCycleModel Model { get; }

    public double Duty { get; private set; }

    public Power MinReachable => Model.PowerAt(0).Clamp(Device.MinPower, Device.MaxPower);

    public Power MaxReachable => Model.PowerAt(1).Clamp(Device.MinPower, Device.MaxPower);

    public void SetDuty(double duty)
    {
        Duty = DutyCycleModel.ClampDuty(duty);
        Device.Apply(Model.Workload, Model.PowerAt(Duty));
    }

    public void Idle()
    {
        Duty = 0;
        Device.Apply(null, Power.Zero);
    }
}
