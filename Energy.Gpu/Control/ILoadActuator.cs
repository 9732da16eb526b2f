using Energy.Contracts.Units;
using Energy.Gpu.Devices;

namespace Energy.Gpu.Control;

/// <summary>
/// A workload running on one GPU at an intensity (duty cycle) 0..1: the knob software power control turns
/// where the GPU's own limits may not be changed. Backends: <see cref="SimulatedLoad"/>, later CUDA kernels.
/// </summary>
public interface ILoadActuator
{
    IGpuDevice Device { get; }

    DutyCycleModel Model { get; }

    /// <summary>The duty cycle last set, in [0, 1].</summary>
    double Duty { get; }

    /// <summary>The lowest power this workload can hold on this GPU (duty 0, or the GPU's floor).</summary>
    Power MinReachable { get; }

    /// <summary>The highest power this workload can hold on this GPU (duty 1, or the GPU's cap).</summary>
    Power MaxReachable { get; }

    /// <summary>Runs the workload at <paramref name="duty"/>, clamped to [0, 1].</summary>
    void SetDuty(double duty);

    /// <summary>Stops the workload; the GPU goes idle.</summary>
    void Idle();
}
