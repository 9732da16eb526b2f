using Energy.Gpu.Control;
using Energy.Gpu.Cuda;
using Energy.Gpu.Devices;
using Energy.Gpu.Interop;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Workloads;

/// <summary>
/// bf16 cuBLAS GEMMs on one GPU at a duty cycle: the heater (8192³, which sits on the power cap) or
/// inference shapes (<see cref="GemmWorkload.Prefill"/>, <see cref="GemmWorkload.Decode"/>). Each burst
/// queues GEMMs from the workload's sequence until the measured FLOP rate fills duty × period, then
/// waits for the stream.
/// </summary>
public sealed class CudaGemmLoad : DutyCycleLoad
{
    private readonly CudaGemmWork _work;

    public CudaGemmLoad(IGpuDevice device, DutyCycleModel model, CudaContext context, ICublasApi cublas, GemmWorkload workload,
        TimeProvider time, ILogger logger, CudaGemmLoadOptions? options = null)
        : this(device, model, Work(context, cublas, workload, time, options ??= new CudaGemmLoadOptions()), time, logger, options)
    {
    }

    private CudaGemmLoad(IGpuDevice device, DutyCycleModel model, CudaGemmWork work, TimeProvider time, ILogger logger, CudaGemmLoadOptions options)
        : base(device, model, work, time, logger, options.Period)
    {
        _work = work;
    }

    public GemmWorkload Workload => _work.Workload;

    /// <summary>FLOPs per second while a burst runs (smoothed).</summary>
    public double BusyFlopsPerSecond => _work.Estimate.PerSecond;

    public double TotalFlops => _work.TotalFlops;

    /// <summary>Tokens per second equivalent while a burst runs; 0 for the heater (see <see cref="GemmWorkload"/>).</summary>
    public double BusyTokensPerSecond => Workload.TokensPerSecond(BusyFlopsPerSecond);

    /// <summary>Tokens per second (inference shapes) or FLOP/s (the heater) at the current duty cycle.</summary>
    public override double Throughput => (Workload.FlopsPerToken > 0 ? BusyTokensPerSecond : BusyFlopsPerSecond) * Duty;

    /// <summary>Tokens the GEMMs run so far would have processed; 0 for the heater.</summary>
    public double TotalTokens => Workload.FlopsPerToken > 0 ? TotalFlops / Workload.FlopsPerToken : 0;

    private static CudaGemmWork Work(CudaContext context, ICublasApi cublas, GemmWorkload workload, TimeProvider time, CudaGemmLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cublas);
        ArgumentNullException.ThrowIfNull(workload);
        return new CudaGemmWork(context, cublas, workload, time, options);
    }
}
