using Energy.Gpu.Cuda;
using Energy.Gpu.Kernels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Gpu.Pouw;

/// <summary>How <see cref="CudaPouwGemm"/> compiles and sizes the kernels.</summary>
public sealed record CudaPouwGemmOptions
{
    /// <summary>The transcript build's warps per block (the plain build uses the same grid).</summary>
    public CudaPouwKernelOptions Kernel { get; init; } = new();

    /// <summary>Also compile the plain GEMM (<c>-DPOUW_TRANSCRIPT=0</c>) that the bench compares against.</summary>
    public bool PlainBuild { get; init; } = true;

    /// <summary>Winning tiles one batch can report (entries of the winners buffer).</summary>
    public int WinnerCapacity { get; init; } = 256;
}

/// <summary>GPU time of one batch's steps, from CUDA events on the miner's stream.</summary>
/// <remarks>Mine is pouw_mine with the denoising fused into its epilogue (there is no separate denoise step).</remarks>
public sealed record CudaPouwTimings(TimeSpan Upload, TimeSpan Noise, TimeSpan Project, TimeSpan Mine, TimeSpan Download)
{
    /// <summary>The PoUW work of a batch: noise on A, both projections, the transcript GEMM with the fused denoising (no copies).</summary>
    public TimeSpan Compute => Noise + Project + Mine;
}

/// <summary>A winning tile the GPU reported that the reference verifier refused: reported, never emitted.</summary>
public sealed record CudaPouwRefusal(int Ti, int Tj, PouwVerification Verdict);

/// <summary>
/// One mined batch: the activations' root, the tickets the reference verifier accepted (and its verdicts,
/// in the same order), the GPU winners it
/// refused, the winners the buffer could not keep, the GPU timings and the host's share (the root of A,
/// building and verifying the tickets).
/// </summary>
public sealed record CudaPouwBatchResult(
    byte[] ActivationsRoot,
    IReadOnlyList<PouwTicket> Tickets,
    IReadOnlyList<CudaPouwRefusal> Refused,
    long WinnersReported,
    long WinnersDropped,
    CudaPouwTimings Timings,
    TimeSpan HostRoot,
    TimeSpan HostTickets,
    IReadOnlyList<PouwVerification> TicketVerdicts);

/// <summary>
/// Kernels/pouw.cu on one CUDA context (docs/pouw.md): the transcript build (and the plain build the bench
/// compares against), compiled through the CUBIN cache. <see cref="PrepareJob"/> uploads a job's W and makes
/// W' once (the weights' noise is fixed per job); <see cref="MineBatch"/> uploads A and runs pouw_noise (A'),
/// pouw_project twice (the int8 planes of U = A·Q_Fᵀ beside L_E and of V = W'·Q_Eᵀ beside L_F) and pouw_mine
/// (the transcript GEMM and winners, the denoising fused into its epilogue: C written once), each step between
/// CUDA events, then downloads the winners (and C when asked). Tickets are built on the host — the
/// tile's noisy rows recomputed with <see cref="PouwNoise.TryApply"/> for those rows only, the openings from
/// host Merkle trees — and every one is checked with the <see cref="PouwVerifier"/> given before it is
/// returned: a GPU winner the reference refuses is counted and logged, never emitted. Create, use and dispose
/// it on a thread where the context is current.
/// </summary>
public sealed class CudaPouwGemm : IDisposable
{
    private readonly CudaContext _context;
    private readonly CudaModule _module;
    private readonly CudaModule? _plainModule;
    private readonly CudaKernel _noise;
    private readonly CudaKernel _mine;
    private readonly CudaKernel _project;
    private readonly CudaKernel? _plainMine;
    private readonly CudaEvent[] _events;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    private CudaPouwGemm(CudaContext context, CudaPouwGemmOptions options, CudaModule module, CudaModule? plainModule, CudaStream stream,
        CudaEvent[] events, CompiledKernel compiled, CompiledKernel? plainCompiled, TimeSpan compileTime, ILogger logger, TimeProvider time)
    {
        _context = context;
        Options = options;
        _module = module;
        _plainModule = plainModule;
        _noise = module.GetKernel(CudaPouwKernelParameters.NoiseKernel);
        _mine = module.GetKernel(CudaPouwKernelParameters.MineKernel);
        _project = module.GetKernel(CudaPouwKernelParameters.ProjectKernel);
        _plainMine = plainModule?.GetKernel(CudaPouwKernelParameters.MineKernel);
        Stream = stream;
        _events = events;
        Compiled = compiled;
        PlainCompiled = plainCompiled;
        CompileTime = compileTime;
        _logger = logger;
        _time = time;
    }

    public CudaPouwGemmOptions Options { get; }

    public CudaStream Stream { get; }

    /// <summary>The transcript build's CUBIN.</summary>
    public CompiledKernel Compiled { get; }

    /// <summary>The plain build's CUBIN, when <see cref="CudaPouwGemmOptions.PlainBuild"/>.</summary>
    public CompiledKernel? PlainCompiled { get; }

    /// <summary>How long getting both CUBINs took (NVRTC compiles, or cache reads).</summary>
    public TimeSpan CompileTime { get; }

    /// <summary>Registers per thread of the transcript pouw_mine.</summary>
    public int MineRegisters => _mine.Registers;

    /// <summary>The NVRTC options of the transcript build.</summary>
    public IReadOnlyList<string> CompileOptions => Options.Kernel.CompileOptions();

    /// <summary>The NVRTC options of the plain build: the same grid, <c>-DPOUW_TRANSCRIPT=0</c>.</summary>
    public IReadOnlyList<string> PlainCompileOptions => (Options.Kernel with { Transcript = false }).CompileOptions();

    /// <summary>Compiles (or reads from the cache) and loads both builds of pouw.cu, and makes the stream and events.</summary>
    public static CudaPouwGemm Load(CudaContext context, KernelCompiler compiler, CudaPouwGemmOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(compiler);
        options ??= new CudaPouwGemmOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WinnerCapacity, 1, nameof(options));
        if (!options.Kernel.Transcript)
        {
            throw new ArgumentException("The miner's build needs the transcript (Kernel.Transcript); the plain build is PlainBuild.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Kernel.MineThreads, context.Device.MaxThreadsPerBlock, nameof(options));
        var time = timeProvider ?? TimeProvider.System;
        var log = logger ?? NullLogger.Instance;
        var source = KernelSource.Read(KernelSource.Pouw);
        var started = time.GetTimestamp();
        var compiled = compiler.Compile(source, KernelSource.Pouw, context.Device.Architecture, options.Kernel.CompileOptions());
        var plainCompiled = options.PlainBuild
            ? compiler.Compile(source, KernelSource.Pouw, context.Device.Architecture, (options.Kernel with { Transcript = false }).CompileOptions())
            : null;
        var compileTime = time.GetElapsedTime(started);

        CudaModule? module = null;
        CudaModule? plainModule = null;
        CudaStream? stream = null;
        var events = new List<CudaEvent>();
        try
        {
            module = context.LoadModule(compiled.Cubin.Span);
            plainModule = plainCompiled is null ? null : context.LoadModule(plainCompiled.Cubin.Span);
            stream = context.CreateStream();
            for (var i = 0; i < 6; i++)
            {
                events.Add(context.CreateEvent());
            }

            var gemm = new CudaPouwGemm(context, options, module, plainModule, stream, [.. events], compiled, plainCompiled, compileTime, log, time);
            Log.PouwKernelsLoaded(log, context.Device.Architecture, plainCompiled is null ? "transcript build" : "transcript and plain builds",
                compileTime.TotalMilliseconds, compiled.FromCache && (plainCompiled?.FromCache ?? true));
            return gemm;
        }
        catch
        {
            foreach (var e in events)
            {
                e.Dispose();
            }

            stream?.Dispose();
            plainModule?.Dispose();
            module?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Uploads W for the job <paramref name="header"/> names and makes W' = W + N_F on the GPU, once: seedF
    /// depends only on the weights' root and epoch and the shape, so every batch and header of the job reuses it.
    /// </summary>
    /// <exception cref="ArgumentException">The kernel cannot run the shape, W is out of range or not the header's weights.</exception>
    public CudaPouwJob PrepareJob(PouwHeader header, ReadOnlyMemory<sbyte> weights, PouwMerkle? weightsTree = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        var p = header.Parameters;
        if (CudaPouwKernelParameters.Refusal(p) is { } refusal)
        {
            throw new ArgumentException("The PoUW kernel cannot run " + p.ToString() + ": " + refusal + ".", nameof(header));
        }

        if (weights.Length != (long)p.N * p.K)
        {
            throw new ArgumentException($"{p} needs W of {p.N}×{p.K} values ({weights.Length} given).", nameof(weights));
        }

        if ((long)p.M * p.N > int.MaxValue || (long)p.M * p.K > int.MaxValue || (long)p.N * p.K > int.MaxValue)
        {
            throw new ArgumentException($"{p}: one operand or the product exceeds 2^31 elements, more than one device buffer holds.", nameof(header));
        }

        PouwCpuMiner.CheckRange(weights.Span, p, "W");
        var tree = weightsTree ?? PouwMerkle.Build(weights.Span, p.N, p.K);
        if (!tree.Root.AsSpan().SequenceEqual(header.WeightsRoot))
        {
            throw new ArgumentException("W is not the header's weights: its Merkle root differs from weightsRoot.", nameof(weights));
        }

        var job = new CudaPouwJob(_context, header, weights, tree, Options.WinnerCapacity);
        try
        {
            // Only seedF's words and the noise geometry (which depends on k) are used here.
            var host = CudaPouwKernelParameters.Create(p, job.SeedF, job.SeedF, job.SeedF, header.Target);
            _events[0].Record(Stream);
            job.Weights.EnqueueCopyFrom(weights.Span, Stream);
            _events[1].Record(Stream);
            LaunchNoise(job.Weights, job.NoisyWeights, p.N, p, host.SeedFWords, host.Noise(p.N));
            _events[2].Record(Stream);
            _events[2].Synchronize();
            job.WeightsUpload = CudaEvent.Elapsed(_events[0], _events[1]);
            job.WeightsNoise = CudaEvent.Elapsed(_events[1], _events[2]);
            Log.PouwJobPrepared(_logger, header.Tenant, header.Job, p.ToString(), job.WeightsNoise.TotalMilliseconds);
            return job;
        }
        catch
        {
            job.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Mines one batch of activations <paramref name="activations"/> (m×k) under <paramref name="header"/> (a
    /// header of <paramref name="job"/>'s job and shape): the product C = A·Wᵀ is left on the GPU
    /// (<see cref="CudaPouwJob.Product"/>) and copied into <paramref name="product"/> when one is given.
    /// </summary>
    /// <exception cref="ArgumentException">A is out of range, or the header is not the job's.</exception>
    public CudaPouwBatchResult MineBatch(CudaPouwJob job, PouwHeader header, ReadOnlySpan<sbyte> activations, PouwVerifier verifier, Span<int> product = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(verifier);
        var p = header.Parameters;
        if (p != job.Parameters || !header.SeedF().AsSpan().SequenceEqual(job.SeedF))
        {
            throw new ArgumentException($"The header ({header.Tenant}/{header.Job}, {p}) is not of the prepared job ({job.Tenant}/{job.Job}, {job.Parameters}): its weights' noise differs.", nameof(header));
        }

        if (activations.Length != p.M * p.K)
        {
            throw new ArgumentException($"{p} needs A of {p.M}×{p.K} values ({activations.Length} given).", nameof(activations));
        }

        if (!product.IsEmpty && product.Length != p.M * p.N)
        {
            throw new ArgumentException($"The product is {p.M}×{p.N} values ({product.Length} given).", nameof(product));
        }

        var hostStarted = _time.GetTimestamp();
        PouwCpuMiner.CheckRange(activations, p, "A");
        var aTree = PouwMerkle.Build(activations, p.M, p.K);
        var seedE = header.SeedE(aTree.Root);
        var ticketKey = PouwHashing.TicketKey(seedE, job.SeedF);
        var host = CudaPouwKernelParameters.Create(p, seedE, job.SeedF, ticketKey, header.Target);
        var hostRoot = _time.GetElapsedTime(hostStarted);

        ReadOnlySpan<uint> zero = [0u];
        _events[0].Record(Stream);
        job.Activations.EnqueueCopyFrom(activations, Stream);
        job.KeyAndTarget.EnqueueCopyFrom(host.KeyAndTarget, Stream);
        job.Winners.EnqueueCopyFrom(zero, Stream);
        _events[1].Record(Stream);
        LaunchNoise(job.Activations, job.NoisyActivations, p.M, p, host.SeedEWords, host.Noise(p.M));
        _events[2].Record(Stream);
        // U = A·Q_Fᵀ (the clean A, seedF's Q) beside L_E (seedE); L_F (seedF) beside V = W'·Q_Eᵀ (seedE's Q).
        LaunchProject(job.Activations, job.ActivationPlanes, p.M, p, host.SeedFWords, host.SeedEWords, factorFirst: false, host.Planes);
        LaunchProject(job.NoisyWeights, job.WeightPlanes, p.N, p, host.SeedEWords, host.SeedFWords, factorFirst: true, host.Planes);
        _events[3].Record(Stream);
        LaunchMine(_mine, job.NoisyActivations, job.NoisyWeights, (job.ActivationPlanes, job.WeightPlanes, host.Planes), job.Product, job, host.Mine(Options.Kernel));
        _events[4].Record(Stream);
        var winnerWords = new uint[CudaPouwKernelParameters.WinnerBufferWords(job.WinnerCapacity)];
        job.Winners.EnqueueCopyTo(winnerWords, Stream);
        if (!product.IsEmpty)
        {
            job.Product.EnqueueCopyTo(product, Stream);
        }

        _events[5].Record(Stream);
        _events[5].Synchronize();
        var timings = new CudaPouwTimings(Elapsed(0, 1), Elapsed(1, 2), Elapsed(2, 3), Elapsed(3, 4), Elapsed(4, 5));

        var ticketsStarted = _time.GetTimestamp();
        var reported = (long)winnerWords[0];
        var winners = CudaPouwKernelParameters.ReadWinners(winnerWords, job.WinnerCapacity);
        var dropped = reported - winners.Count;
        if (dropped > 0)
        {
            Log.PouwWinnersDropped(_logger, reported, job.WinnerCapacity, header.Tenant, header.Job);
        }

        var tickets = new List<PouwTicket>();
        var verdicts = new List<PouwVerification>();
        var refused = new List<CudaPouwRefusal>();
        foreach (var winner in winners)
        {
            var verdict = TicketFor(job, header, activations, aTree, seedE, winner, verifier, out var ticket);
            if (verdict.Accepted)
            {
                tickets.Add(ticket!);
                verdicts.Add(verdict);
            }
            else
            {
                refused.Add(new CudaPouwRefusal(winner.Ti, winner.Tj, verdict));
                Log.PouwGpuWinnerRefused(_logger, winner.Ti, winner.Tj, header.Tenant, header.Job, verdict.Reason, verdict.Detail);
            }
        }

        return new CudaPouwBatchResult(aTree.Root, tickets, refused, reported, dropped, timings, hostRoot, _time.GetElapsedTime(ticketsStarted), verdicts);
    }

    /// <summary>
    /// The plain GEMM (<c>-DPOUW_TRANSCRIPT=0</c>, no noise, no planes: no denoising) of the last batch's A by the job's clean W into
    /// <see cref="CudaPouwJob.PlainProduct"/>: what the bench compares the PoUW batch against. Its GPU time.
    /// </summary>
    public TimeSpan RunPlain(CudaPouwJob job, Span<int> product = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var plain = _plainMine ?? throw new InvalidOperationException("The plain build was not compiled (CudaPouwGemmOptions.PlainBuild).");
        var p = job.Parameters;
        var geometry = CudaPouwKernelParameters.Create(p, job.SeedF, job.SeedF, job.SeedF, job.Header.Target).Mine(Options.Kernel);
        var output = job.PlainProduct; // allocated on first use: before the first event, so never timed
        _events[0].Record(Stream);
        LaunchMine(plain, job.Activations, job.Weights, null, output, job, geometry);
        _events[1].Record(Stream);
        if (!product.IsEmpty)
        {
            output.EnqueueCopyTo(product, Stream);
        }

        _events[1].Synchronize();
        return Elapsed(0, 1);
    }

    public void Dispose()
    {
        foreach (var e in _events)
        {
            e.Dispose();
        }

        Stream.Dispose();
        _plainModule?.Dispose();
        _module.Dispose();
    }

    private static PouwVerification TicketFor(CudaPouwJob job, PouwHeader header, ReadOnlySpan<sbyte> activations, PouwMerkle aTree, byte[] seedE, PouwKernelWinner winner, PouwVerifier verifier, out PouwTicket? ticket)
    {
        var p = header.Parameters;
        ticket = null;
        if (winner.Ti < 0 || winner.Ti >= p.TileRows || winner.Tj < 0 || winner.Tj >= p.TileCols)
        {
            return new PouwVerification(PouwRejection.Malformed, $"the GPU reported tile ({winner.Ti}, {winner.Tj}) outside the {p.TileRows}×{p.TileCols} tiles", 0, false);
        }

        var aRows = new sbyte[p.TileH * p.K];
        var wRows = new sbyte[p.TileW * p.K];
        if (!PouwNoise.TryApply(seedE, winner.Ti * p.TileH, p.TileH, p.K, p.Rank, activations.Slice(winner.Ti * p.TileH * p.K, aRows.Length), aRows, subtract: false, out var badA)
            || !PouwNoise.TryApply(job.SeedF, winner.Tj * p.TileW, p.TileW, p.K, p.Rank, job.HostWeights.Span.Slice(winner.Tj * p.TileW * p.K, wRows.Length), wRows, subtract: false, out badA, keepFactor: true))
        {
            return new PouwVerification(PouwRejection.OperandOutOfRange, $"row {badA} leaves int8 with its noise", 0, false);
        }

        ticket = new PouwTicket(
            header, aTree.Root, winner.Ti, winner.Tj,
            aRows, [.. Enumerable.Range(winner.Ti * p.TileH, p.TileH).Select(aTree.Opening)],
            wRows, [.. Enumerable.Range(winner.Tj * p.TileW, p.TileW).Select(job.WeightsTree.Opening)],
            seedE, job.SeedF, winner.Hash);
        return verifier.Verify(ticket);
    }

    private void LaunchNoise(DeviceBuffer<sbyte> x, DeviceBuffer<sbyte> noisy, int rows, in PouwParameters p, IReadOnlyList<uint> seed, PouwLaunch launch)
    {
        var arguments = new KernelArguments()
            .Add(x).Add(noisy).Add((uint)rows).Add((uint)p.K).Add((uint)p.Rank)
            .Add(seed[0]).Add(seed[1]).Add(seed[2]).Add(seed[3]);
        _noise.Launch(launch.Grid, launch.Block, arguments, Stream);
    }

    /// <summary>pouw_mine; <paramref name="planes"/> null for the plain product (no denoising, the plane pointers null).</summary>
    private void LaunchMine(CudaKernel kernel, DeviceBuffer<sbyte> a, DeviceBuffer<sbyte> w, (DeviceBuffer<sbyte> A, DeviceBuffer<sbyte> W, int Count)? planes, DeviceBuffer<int> c, CudaPouwJob job, PouwLaunch launch)
    {
        var p = job.Parameters;
        var arguments = new KernelArguments().Add(a).Add(w);
        arguments = planes is { } given ? arguments.Add(given.A).Add(given.W) : arguments.Add(0UL).Add(0UL);
        arguments
            .Add(c)
            .Add(0UL) // c_noisy: null, the host needs only C.
            .Add((uint)p.M).Add((uint)p.N).Add((uint)p.K).Add((uint)p.Chunk).Add((uint)p.Rank).Add((uint)(planes?.Count ?? 0))
            .Add(job.KeyAndTarget).Add(job.Winners).Add((uint)job.WinnerCapacity)
            .Add(0UL); // digests: null, the host never asks for every tile's D_c here.
        kernel.Launch(launch.Grid, launch.Block, arguments, Stream);
    }

    /// <summary>pouw_project: <paramref name="x"/>·Qᵀ (Q keyed by <paramref name="qSeed"/>'s s2, s3) as plane rows beside L (keyed by <paramref name="lSeed"/>'s s0, s1).</summary>
    private void LaunchProject(DeviceBuffer<sbyte> x, DeviceBuffer<sbyte> planes, int rows, in PouwParameters p, IReadOnlyList<uint> qSeed, IReadOnlyList<uint> lSeed, bool factorFirst, int planeCount)
    {
        var launch = CudaPouwKernelParameters.Project(rows);
        var arguments = new KernelArguments()
            .Add(x).Add(planes).Add((uint)rows).Add((uint)p.K).Add((uint)p.Rank)
            .Add(qSeed[2]).Add(qSeed[3]).Add(lSeed[0]).Add(lSeed[1]).Add(factorFirst ? 1u : 0u).Add((uint)planeCount);
        _project.Launch(launch.Grid, launch.Block, arguments, Stream);
    }

    private TimeSpan Elapsed(int from, int to) => CudaEvent.Elapsed(_events[from], _events[to]);
}
