using Energy.Contracts.Sites;
using Energy.Gpu.Control;

namespace Energy.Gpu.Devices;

/// <summary>Makes the load that runs a kind of workload on one GPU; <see cref="CudaGpuDevice"/> asks once per kind, on first use.</summary>
public interface IGpuLoadFactory
{
    /// <summary>The load for <paramref name="kind"/> on <paramref name="gpu"/>; throws when the GPU cannot run it.</summary>
    ILoadActuator Create(WorkloadKind kind, IGpuDevice gpu);
}
