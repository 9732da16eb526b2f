using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Workloads;

namespace Energy.Gpu.Benchmarks;

/// <summary>
/// bf16 GEMM rates timed with CUDA events (the GPU's own clock, no host overheads) after a warm-up:
/// the n³ heater GEMM, and one forward pass of a 7B-class model's projections for prefill and decode.
/// One set of operand buffers, sized for the largest of the shapes, serves all three.
/// </summary>
internal sealed class GemmBench : IDisposable
{
    private readonly CudaContext _context;
    private readonly CudaStream _stream;
    private readonly CublasGemm _gemm;
    private readonly DeviceBuffer<BFloat16> _a;
    private readonly DeviceBuffer<BFloat16> _b;
    private readonly DeviceBuffer<BFloat16> _c;

    public GemmBench(CudaContext context, ICublasApi cublas, IReadOnlyList<GemmWorkload> workloads)
    {
        _context = context;
        _stream = context.CreateStream();
        _gemm = CublasGemm.Create(cublas, _stream);
        var shapes = workloads.SelectMany(w => w.Sequence).ToList();
        _a = context.Allocate<BFloat16>(GemmOperands.Elements(shapes.Max(s => s.AElements)));
        _b = context.Allocate<BFloat16>(GemmOperands.Elements(shapes.Max(s => s.BElements)));
        _c = context.Allocate<BFloat16>(GemmOperands.Elements(shapes.Max(s => s.CElements)));
        var block = GemmOperands.RandomBlock(GemmOperands.BlockElements, 0x9E3779B9);
        GemmOperands.Fill(_a, block);
        GemmOperands.Fill(_b, block);
    }

    public int CublasVersion => _gemm.Version;

    /// <summary>Runs <paramref name="warmup"/> passes, then times <paramref name="repeats"/>; FLOPs per second of the timed passes.</summary>
    public (double FlopsPerSecond, TimeSpan PerPass) Time(GemmWorkload workload, int warmup, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        for (var i = 0; i < warmup; i++)
        {
            Pass(workload);
        }

        using var start = _context.CreateEvent();
        using var end = _context.CreateEvent();
        start.Record(_stream);
        for (var i = 0; i < repeats; i++)
        {
            Pass(workload);
        }

        end.Record(_stream);
        end.Synchronize();
        var elapsed = CudaEvent.Elapsed(start, end);
        return ((double)workload.FlopsPerSequence * repeats / elapsed.TotalSeconds, elapsed / repeats);
    }

    public void Dispose()
    {
        _gemm.Dispose();
        _c.Dispose();
        _b.Dispose();
        _a.Dispose();
        _stream.Dispose();
    }

    private void Pass(GemmWorkload workload)
    {
        foreach (var shape in workload.Sequence)
        {
            _gemm.GemmBf16(shape.M, shape.N, shape.K, _a, _b, _c);
        }
    }
}
