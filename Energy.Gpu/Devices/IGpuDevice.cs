using Energy.Contracts.Agents;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Gpu.Devices;

/// <summary>
/// The seam between HeatGrid and one GPU. Backends: a simulated GPU (everywhere) and CUDA/NVML
/// (on machines with NVIDIA GPUs).
/// </summary>
public interface IGpuDevice
{
    string Id { get; }

    string Model { get; }

    /// <summary>The pool (GPUs of one model on one cooling path) this GPU belongs to.</summary>
    string Pool { get; }

    Power MinPower { get; }

    Power IdlePower { get; }

    Power MaxPower { get; }

    /// <summary>The GPU's power range: what it holds for a command (<see cref="GpuPowerRange.Holds"/>).</summary>
    GpuPowerRange Range => new(MinPower, IdlePower, MaxPower);

    /// <summary>Runs <paramref name="workload"/> (null: idle) holding <paramref name="target"/>, clamped to the GPU's range.</summary>
    void Apply(string? workload, Power target);

    GpuState Read();

    /// <summary>What <see cref="GpuState.Power"/> of <see cref="Read"/> is (instant or an average, and its window).</summary>
    GpuPowerReading PowerReading => GpuPowerReading.Unstated;

    /// <summary>
    /// Useful work per second of the running workload in its own unit (hashes/s for mining, tokens/s for
    /// inference, FLOP/s for the heater); 0 when idle or where the backend does not measure it (simulated GPUs).
    /// </summary>
    double Throughput => 0;
}
