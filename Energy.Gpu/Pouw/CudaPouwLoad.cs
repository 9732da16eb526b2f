using Energy.Gpu.Control;
using Energy.Gpu.Devices;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Pouw;

/// <summary>
/// What the <c>mining</c> workload runs on a CUDA GPU when PoUW is configured (<see cref="CudaLoadOptions.Pouw"/>):
/// <see cref="CudaPouwWork"/> at a duty cycle, mining queued useful batches instead of SHA-256d. Its power model
/// is the heater GEMM's (an int8 tensor-core GEMM, assumed to reach the cap as well until measured).
/// </summary>
public sealed class CudaPouwLoad : DutyCycleLoad
{
    public CudaPouwLoad(IGpuDevice device, CudaPouwWork work, TimeProvider time, ILogger logger, TimeSpan? period = null)
        : base(device, ModelFor(device), work, time, logger, period)
    {
        Work = work;
    }

    public CudaPouwWork Work { get; }

    private static DutyCycleModel ModelFor(IGpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return DutyCycleModel.Heater(device.MaxPower) with { Workload = "pouw", IsHeater = false };
    }
}
