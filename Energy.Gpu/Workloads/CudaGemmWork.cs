using Energy.Gpu.Control;
using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;

namespace Energy.Gpu.Workloads;

/// <summary>The bursts of a <see cref="CudaGemmLoad"/>, on its runner's thread.</summary>
internal sealed class CudaGemmWork(CudaContext context, ICublasApi cublas, GemmWorkload workload, TimeProvider time, CudaGemmLoadOptions options)
    : IDutyCycleWork
{
    private readonly Lock _lock = new();
    private CudaStream? _stream;
    private CublasGemm? _gemm;
    private DeviceBuffer<BFloat16>? _a;
    private DeviceBuffer<BFloat16>? _b;
    private DeviceBuffer<BFloat16>? _c;
    private int _next;
    private double _totalFlops;

    public GemmWorkload Workload => workload;

    public ThroughputEstimate Estimate { get; } = new(options.InitialFlopsPerSecond);

    public double TotalFlops
    {
        get
        {
            lock (_lock)
            {
                return _totalFlops;
            }
        }
    }

    public void Start()
    {
        if (workload.Sequence.Count == 0)
        {
            throw new ArgumentException($"GEMM workload {workload.Name} has no GEMMs.", nameof(workload));
        }

        context.MakeCurrent();
        _stream = context.CreateStream();
        _gemm = CublasGemm.Create(cublas, _stream);
        _a = context.Allocate<BFloat16>(GemmOperands.Elements(workload.Sequence.Max(g => g.AElements)));
        _b = context.Allocate<BFloat16>(GemmOperands.Elements(workload.Sequence.Max(g => g.BElements)));
        _c = context.Allocate<BFloat16>(GemmOperands.Elements(workload.Sequence.Max(g => g.CElements)));
        var block = GemmOperands.RandomBlock(Math.Min(GemmOperands.BlockElements, Math.Max(_a.Length, _b.Length)), options.Seed);
        GemmOperands.Fill(_a, block);
        GemmOperands.Fill(_b, block);
    }

    public bool Run(TimeSpan budget)
    {
        var gemm = _gemm ?? throw new InvalidOperationException("Start first.");
        var wanted = Estimate.WorkFor(budget);
        var started = time.GetTimestamp();
        double queued = 0;
        do
        {
            var shape = workload.Sequence[_next];
            gemm.GemmBf16(shape.M, shape.N, shape.K, _a!, _b!, _c!);
            queued += shape.Flops;
            _next = (_next + 1) % workload.Sequence.Count;
        }
        while (queued < wanted);

        _stream!.Synchronize();
        Estimate.Observe(queued, time.GetElapsedTime(started));
        lock (_lock)
        {
            _totalFlops += queued;
        }

        return true;
    }

    public void Finish()
    {
        _gemm?.Dispose();
        _c?.Dispose();
        _b?.Dispose();
        _a?.Dispose();
        _stream?.Dispose();
    }
}
