using Energy.Gpu.Cuda;
using Energy.Gpu.Nvml;

namespace Energy.Gpu.Devices;

/// <summary>One GPU seen by both APIs: CUDA runs work on it, NVML reads its power. Paired by UUID.</summary>
public sealed record NvidiaGpu(CudaDevice Cuda, NvmlGpu Nvml, uint NvmlIndex, string Uuid);
