using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Pouw;

/// <summary>Settings of <c>heatgrid pouw bench</c> on a GPU.</summary>
public sealed record PouwGpuBenchOptions
{
    /// <summary>The product mined, multiplied plainly and by cuBLAS in the same run: n = 8192, r = 64 (the shape).</summary>
    public PouwParameters MineShape { get; init; } = new(8192, 8192, 8192, 64, 16, 16, 256);

    /// <summary>A small shape whose GPU product and tickets are held to the CPU reference miner.</summary>
    public PouwParameters ReferenceShape { get; init; } = new(256, 256, 1024, 64, 16, 16, 256);

    /// <summary>Tickets one batch of the mine shape is expected to find (the target is set from it).</summary>
    public double TicketsPerBatch { get; init; } = 32;

    /// <summary>Untimed launches of each variant before the timed ones.</summary>
    public int Warmup { get; init; } = 1;

    /// <summary>Timed launches of each variant; the median counts.</summary>
    public int Repetitions { get; init; } = 5;

    /// <summary>Verifications timed over the tickets found (cycled).</summary>
    public int VerifyRuns { get; init; } = 400;

    public int WinnerCapacity { get; init; } = 1024;

    public CudaPouwKernelOptions Kernel { get; init; } = new();

    public int Seed { get; init; } = 20261207;
}

/// <summary>
/// GPU time of one PoUW batch's steps (medians, ms) and the host's share: noiseMs pouw_noise on A, projectMs both
/// pouw_project launches (U beside L_E, L_F beside V, as int8 planes), mineMs the transcript pouw_mine with the
/// denoising fused into its epilogue (so there is no denoiseMs any more).
/// </summary>
public sealed record PouwGpuBreakdown(
    double UploadMs,
    double NoiseMs,
    double ProjectMs,
    double MineMs,
    double DownloadMs,
    double WeightsUploadMs,
    double WeightsNoiseMs,
    double HostRootMs,
    double HostTicketsMs);

/// <summary>
/// What <c>heatgrid pouw bench</c> measured on a GPU (its JSON): the fields of the simulated bench's
/// <see cref="PouwBenchResult"/> under the same names, then cuBLAS, the small shape held to the CPU
/// reference, the GPU winners refused, and the breakdown of a batch.
/// </summary>
public sealed record PouwGpuBenchResult(
    string Device,
    bool Simulated,
    string Note,
    PouwParameters MineShape,
    PouwParameters VerifyShape,
    double TilesPerTicket,
    double PlainSeconds,
    double PouwSeconds,
    double OverheadPct,
    double Tops,
    double PlainTops,
    int TicketsFound,
    int TicketsVerified,
    int VerifyRuns,
    double VerifyMsP50,
    double VerifyMsP99,
    bool ProductExact,
    double CublasSeconds,
    double CublasTops,
    double OverheadVsCublasPct,
    bool CublasExact,
    string? CublasError,
    bool PlainProductExact,
    PouwParameters ReferenceShape,
    bool ReferenceExact,
    int ReferenceTickets,
    int TicketsRefused,
    long WinnersDropped,
    int Repetitions,
    string Architecture,
    string NvrtcVersion,
    int CublasVersion,
    double CompileMs,
    int MineRegisters,
    IReadOnlyList<string> CompileOptions,
    PouwGpuBreakdown Breakdown);

/// <summary>
/// <c>heatgrid pouw bench</c> on a GPU, in one run on one context and stream: the PoUW batch (noise on A,
/// both projections, the transcript GEMM with the fused denoising; W' made once per job and reported apart), the plain
/// GEMM (<c>-DPOUW_TRANSCRIPT=0</c> build, clean operands) and cuBLAS int8 (<c>cublasGemmEx</c>, s8 × s8 →
/// s32) on the same A and W, each the median of several launches after warm-up, timed with CUDA events.
/// Every GPU winner becomes a ticket checked by <see cref="PouwVerifier"/> against a registry the bench
/// makes; the product is compared with the plain one and cuBLAS's, and a small shape with the CPU reference.
/// </summary>
public static class PouwGpuBench
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ToJson(PouwGpuBenchResult result) => JsonSerializer.Serialize(result, Json);

    /// <summary>Runs the bench; the context must be current on the calling thread.</summary>
    public static PouwGpuBenchResult Run(CudaContext context, KernelCompiler compiler, ICublasApi cublas, PouwGpuBenchOptions options, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(compiler);
        ArgumentNullException.ThrowIfNull(cublas);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var p = options.MineShape;
        foreach (var shape in new[] { p, options.ReferenceShape })
        {
            if (CudaPouwKernelParameters.Refusal(shape) is { } refusal)
            {
                throw new ArgumentException($"The bench cannot run {shape}: {refusal}.", nameof(options));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.Repetitions, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Warmup, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.TicketsPerBatch, 0, nameof(options));

        var random = new Random(options.Seed);
        var registry = new PouwJobRegistry();
        var verifier = new PouwVerifier(registry, time);
        using var gemm = CudaPouwGemm.Load(context, compiler, new CudaPouwGemmOptions { Kernel = options.Kernel, WinnerCapacity = options.WinnerCapacity }, logger, time);

        var tilesPerTicket = Math.Max(1, p.Tiles / options.TicketsPerBatch);
        var a = Operand(random, p.M, p.K, p.Rank);
        var w = Operand(random, p.N, p.K, p.Rank);
        var wTree = PouwMerkle.Build(w, p.N, p.K);
        var header = registry.Register("bench", "gpu", wTree.Root, p, PouwHeader.TargetFor(tilesPerTicket), time.GetUtcNow());
        registry.LogActivations("bench", "gpu", PouwMerkle.RootOf(a, p.M, p.K));

        using var job = gemm.PrepareJob(header, w, wTree);
        var product = new int[p.M * p.N];
        var batches = new List<CudaPouwBatchResult>();
        for (var i = 0; i < options.Warmup + options.Repetitions; i++)
        {
            var last = i == options.Warmup + options.Repetitions - 1;
            var batch = gemm.MineBatch(job, header, a, verifier, last ? product : default);
            if (i >= options.Warmup)
            {
                batches.Add(batch);
            }
        }

        var plain = new int[p.M * p.N];
        var plainTimes = new List<TimeSpan>();
        for (var i = 0; i < options.Warmup + options.Repetitions; i++)
        {
            var last = i == options.Warmup + options.Repetitions - 1;
            var elapsed = gemm.RunPlain(job, last ? plain : default);
            if (i >= options.Warmup)
            {
                plainTimes.Add(elapsed);
            }
        }

        // cuBLAS is the comparison, not the subject: a failure there is reported and the PoUW figures kept.
        List<TimeSpan> cublasTimes = [];
        int[]? cublasProduct = null;
        var cublasVersion = 0;
        string? cublasError = null;
        try
        {
            (cublasTimes, cublasProduct, cublasVersion) = TimeCublas(context, cublas, gemm.Stream, job, options);
        }
        catch (CublasException e)
        {
            cublasError = e.Message;
        }

        // Every batch mined the same A: each found the same tickets, so one batch's are counted.
        var first = batches[0];
        var found = (int)Math.Min(int.MaxValue, first.WinnersReported);
        var (p50, p99, runs) = TimeVerifier(verifier, first.Tickets, options.VerifyRuns, time);
        var (referenceExact, referenceTickets) = CheckReference(gemm, options.ReferenceShape, random, time);

        var pouwSeconds = Median(batches.Select(b => b.Timings.Compute)).TotalSeconds;
        var plainSeconds = Median(plainTimes).TotalSeconds;
        var cublasSeconds = cublasTimes.Count > 0 ? Median(cublasTimes).TotalSeconds : double.NaN;
        var ops = 2.0 * p.MultiplyAdds;
        var plainExact = product.AsSpan().SequenceEqual(plain);
        var breakdown = new PouwGpuBreakdown(
            Ms(Median(batches.Select(b => b.Timings.Upload))), Ms(Median(batches.Select(b => b.Timings.Noise))),
            Ms(Median(batches.Select(b => b.Timings.Project))), Ms(Median(batches.Select(b => b.Timings.Mine))),
            Ms(Median(batches.Select(b => b.Timings.Download))),
            Ms(job.WeightsUpload), Ms(job.WeightsNoise),
            Ms(Median(batches.Select(b => b.HostRoot))), Ms(Median(batches.Select(b => b.HostTickets))));
        return new PouwGpuBenchResult(
            context.Device.Name, false, Note(options), p, p, Math.Round(tilesPerTicket, 1),
            Math.Round(plainSeconds, 6), Math.Round(pouwSeconds, 6), Pct(pouwSeconds, plainSeconds),
            Math.Round(ops / pouwSeconds / 1e12, 2), Math.Round(ops / plainSeconds / 1e12, 2),
            found, first.Tickets.Count, runs, Math.Round(p50, 4), Math.Round(p99, 4),
            plainExact && referenceExact,
            Math.Round(cublasSeconds, 6), Math.Round(ops / cublasSeconds / 1e12, 2), Pct(pouwSeconds, cublasSeconds),
            cublasProduct is not null && cublasProduct.AsSpan().SequenceEqual(plain), cublasError, plainExact,
            options.ReferenceShape, referenceExact, referenceTickets,
            first.Refused.Count, first.WinnersDropped, options.Repetitions,
            context.Device.Architecture, compiler.NvrtcVersion, cublasVersion, Math.Round(gemm.CompileTime.TotalMilliseconds, 1),
            MineRegisters(gemm), gemm.CompileOptions, breakdown);
    }

    private static (List<TimeSpan> Times, int[] Product, int Version) TimeCublas(CudaContext context, ICublasApi cublas, CudaStream stream, CudaPouwJob job, PouwGpuBenchOptions options)
    {
        var p = job.Parameters;
        using var blas = CublasGemm.Create(cublas, stream);
        using var c = context.Allocate<int>(p.M * p.N);
        using var start = context.CreateEvent();
        using var end = context.CreateEvent();
        var times = new List<TimeSpan>();
        for (var i = 0; i < options.Warmup + options.Repetitions; i++)
        {
            start.Record(stream);
            blas.GemmInt8RowMajor(p.M, p.N, p.K, job.Activations, job.Weights, c);
            end.Record(stream);
            end.Synchronize();
            if (i >= options.Warmup)
            {
                times.Add(CudaEvent.Elapsed(start, end));
            }
        }

        var product = new int[p.M * p.N];
        c.EnqueueCopyTo(product, stream);
        return (times, product, blas.Version);
    }

    /// <summary>The small shape on the GPU against <see cref="PouwCpuMiner.Mine"/>: the same product and the same tickets.</summary>
    private static (bool Exact, int Tickets) CheckReference(CudaPouwGemm gemm, PouwParameters p, Random random, TimeProvider time)
    {
        var a = Operand(random, p.M, p.K, p.Rank);
        var w = Operand(random, p.N, p.K, p.Rank);
        var registry = new PouwJobRegistry();
        var header = registry.Register("bench", "reference", PouwMerkle.RootOf(w, p.N, p.K), p, PouwHeader.TargetFor(Math.Max(1, p.Tiles / 8.0)), time.GetUtcNow());
        registry.LogActivations("bench", "reference", PouwMerkle.RootOf(a, p.M, p.K));
        var cpu = PouwCpuMiner.Mine(a, w, header);
        using var job = gemm.PrepareJob(header, w);
        var product = new int[p.M * p.N];
        var gpu = gemm.MineBatch(job, header, a, new PouwVerifier(registry, time), product);
        var same = product.AsSpan().SequenceEqual(cpu.Product)
            && gpu.Refused.Count == 0
            && gpu.Tickets.Select(t => t.Id).Order(StringComparer.Ordinal).SequenceEqual(cpu.Tickets.Select(t => t.Id).Order(StringComparer.Ordinal));
        return (same, gpu.Tickets.Count);
    }

    private static (double P50, double P99, int Runs) TimeVerifier(PouwVerifier verifier, IReadOnlyList<PouwTicket> tickets, int verifyRuns, TimeProvider time)
    {
        if (tickets.Count == 0)
        {
            return (double.NaN, double.NaN, 0);
        }

        // Warm-up past tiered compilation's promotion of the verifier's loops (else the first runs time the JIT).
        for (var i = 0; i < 500; i++)
        {
            verifier.Verify(tickets[i % tickets.Count]);
        }

        var runs = Math.Max(tickets.Count, verifyRuns);
        var ms = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var started = time.GetTimestamp();
            var verdict = verifier.Verify(tickets[i % tickets.Count]);
            ms[i] = time.GetElapsedTime(started).TotalMilliseconds;
            if (!verdict.Accepted)
            {
                throw new InvalidOperationException("A ticket the miner's verifier accepted was refused on a second look: " + verdict.Reason + ": " + verdict.Detail);
            }
        }

        Array.Sort(ms);
        return (ms[Math.Min(runs - 1, (int)Math.Ceiling(0.50 * runs) - 1)], ms[Math.Min(runs - 1, (int)Math.Ceiling(0.99 * runs) - 1)], runs);
    }

    private static int MineRegisters(CudaPouwGemm gemm)
    {
        try
        {
            return gemm.MineRegisters;
        }
        catch (CudaException)
        {
            return -1;
        }
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Ms(TimeSpan value) => Math.Round(value.TotalMilliseconds, 3);

    private static double Pct(double value, double baseline) => baseline > 0 ? Math.Round(100 * ((value / baseline) - 1), 1) : double.NaN;

    /// <summary>Operand values spread over −(128−r) … 127−r, the range rank-r noise leaves.</summary>
    internal static sbyte[] Operand(Random random, int rows, int k, int rank)
    {
        var bytes = new byte[checked(rows * k)];
        random.NextBytes(bytes);
        var span = 256 - (2 * rank);
        var min = -(128 - rank);
        var x = new sbyte[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            x[i] = (sbyte)((bytes[i] % span) + min);
        }

        return x;
    }

    private static string Note(PouwGpuBenchOptions options) => string.Join(' ',
        "Measured on this GPU, one context and stream, CUDA events. pouwSeconds: one PoUW batch (pouw_noise on A, pouw_project twice",
        "(U and V as int8 planes, tensor cores), the transcript pouw_mine with the denoising fused into its epilogue), the median of",
        Invariant($"{options.Repetitions} after {options.Warmup} warm-up; W' is made once per job (breakdown.weightsNoiseMs, not in pouwSeconds)."),
        "plainSeconds: the same kernel built with -DPOUW_TRANSCRIPT=0 on the clean A and W; cublasSeconds: cublasGemmEx s8 x s8 -> s32",
        "(CUBLAS_COMPUTE_32I) on the same operands. overheadPct is PoUW vs the plain build, overheadVsCublasPct PoUW vs cuBLAS.",
        "tops counts 2*m*n*k of the useful product over pouwSeconds. Every GPU winner became a ticket verified by PouwVerifier against the",
        "bench's job registry (ticketsFound counts the GPU's winners, ticketsVerified those accepted). productExact: the denoised C equals",
        "the plain build's product, and the reference shape's C and tickets equal the CPU reference miner's. verifyMs: PouwVerifier on",
        "the tickets found (mine shape, CPU). Host time (the Merkle root of A, building and verifying tickets) is in the breakdown only.");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
