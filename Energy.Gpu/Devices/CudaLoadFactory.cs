using Energy.Contracts.Sites;
using Energy.Gpu.Control;
using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Mining;
using Energy.Gpu.Pouw;
using Energy.Gpu.Workloads;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Devices;

/// <summary>
/// CUDA loads for one device: mining runs Kernels/sha256d.cu (or, with <see cref="CudaLoadOptions.Pouw"/>,
/// PoUW on Kernels/pouw.cu), heater and inference run cuBLAS bf16 GEMMs. The device's primary context is retained with the first load and released on dispose.
/// </summary>
public sealed class CudaLoadFactory : IGpuLoadFactory, IDisposable
{
    private readonly CudaRuntime _runtime;
    private readonly CudaDevice _device;
    private readonly KernelCompiler _compiler;
    private readonly ICublasApi _cublas;
    private readonly IMiningJobSource _jobs;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly CudaLoadOptions _options;
    private readonly Lock _lock = new();
    private CudaContext? _context;

    public CudaLoadFactory(CudaRuntime runtime, CudaDevice device, KernelCompiler compiler, ICublasApi cublas, IMiningJobSource jobs,
        TimeProvider time, ILoggerFactory loggers, CudaLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(compiler);
        ArgumentNullException.ThrowIfNull(cublas);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _runtime = runtime;
        _device = device;
        _compiler = compiler;
        _cublas = cublas;
        _jobs = jobs;
        _time = time;
        _loggers = loggers;
        _options = options ?? new CudaLoadOptions();
    }

    public ILoadActuator Create(WorkloadKind kind, IGpuDevice gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var context = Context();
        var gemmLogger = _loggers.CreateLogger<CudaGemmLoad>();
        switch (kind)
        {
            case WorkloadKind.Mining when _options.Pouw is { } pouw:
                var pouwLogger = _loggers.CreateLogger<CudaPouwLoad>();
                var work = new CudaPouwWork(context, _compiler, pouw.Source, pouw.Sink, new PouwVerifier(pouw.Registry, _time), _time, pouwLogger, pouw.Gemm);
                return new CudaPouwLoad(gpu, work, _time, pouwLogger, _options.Mining.Period);
            case WorkloadKind.Mining:
                if (_jobs is LocalMiningJobSource { Current: { } job })
                {
                    Log.MiningLocalJob(_loggers.CreateLogger<CudaMiningLoad>(), gpu.Id, job.Id);
                }

                return new CudaMiningLoad(gpu, context, _compiler, _jobs, _time, _loggers, _options.Mining);
            case WorkloadKind.Heater:
                return new CudaGemmLoad(gpu, DutyCycleModel.Heater(gpu.MaxPower), context, _cublas, _options.Heater, _time, gemmLogger, _options.Gemm);
            case WorkloadKind.Inference:
                // Prefill GEMMs are compute-bound like the heater's; assumed to reach the cap as well until measured.
                var model = DutyCycleModel.Heater(gpu.MaxPower) with { Workload = "inference" };
                return new CudaGemmLoad(gpu, model, context, _cublas, _options.Inference, _time, gemmLogger, _options.Gemm);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "No CUDA load for this kind of workload.");
        }
    }

    /// <summary>Releases the primary context; dispose the loads first.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _context?.Dispose();
            _context = null;
        }
    }

    private CudaContext Context()
    {
        lock (_lock)
        {
            return _context ??= _runtime.RetainPrimaryContext(_device);
        }
    }
}
