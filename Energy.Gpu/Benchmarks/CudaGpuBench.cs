using System.Globalization;
using System.Text.Json;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Gpu.Control;
using Energy.Gpu.Cuda;
using Energy.Gpu.Devices;
using Energy.Gpu.Interop;
using Energy.Gpu.Mining;
using Energy.Gpu.Workloads;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Benchmarks;

/// <summary>
/// <c>heatgrid gpu bench</c> on a real GPU. In order: NVRTC compiles Kernels/sha256d.cu (into a fresh
/// cache, so the compile time is NVRTC's); SHA-256d at full duty for the window
/// (<see cref="Sha256dBenchWindow"/>); bf16 GEMMs timed with CUDA events (<see cref="GemmBench"/>);
/// then the production <see cref="CudaGpuDevice"/> holds 200, 300 and 450 W with the heater through
/// software power control while the NVML 1-s average is sampled. The GPU's settings are only read:
/// no power limit, clock or mode is changed.
/// </summary>
public static class CudaGpuBench
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string ToJson(CudaBenchResult result) => JsonSerializer.Serialize(result, Indented);

    public static async Task<CudaBenchResult> RunAsync(NvidiaHost host, CudaBenchOptions options, TimeProvider time, ILoggerFactory loggers,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(options.GpuIndex, host.Gpus.Count, nameof(options));
        var gpu = host.Gpus[options.GpuIndex];
        var window = TimeSpan.FromSeconds(options.Seconds);

        // CUDA calls need the context current on this thread: everything up to the tracking runs here, synchronously.
        var (hashing, kernelInfo, gemm) = MeasureCompute(host, gpu, options, window, time, loggers, cancellationToken);
        var (tracking, duties) = await TrackAsync(host, gpu, options, window, time, loggers, cancellationToken).ConfigureAwait(false);

        var limits = gpu.Nvml.PowerLimits;
        return new CudaBenchResult
        {
            Device = gpu.Cuda.Name,
            Note = Note(options),
            Sha256dGhs = Math.Round(hashing.GigahashesPerSecond, 3),
            Sha256dJoulesPerGh = Math.Round(hashing.JoulesPerGigahash, 2),
            SharesFound = hashing.Candidates,
            SharesVerified = hashing.Verified,
            GemmTflops = Math.Round(gemm.HeaterTflops, 1),
            PowerTracking = tracking,
            Uuid = gpu.Uuid,
            Architecture = gpu.Cuda.Architecture,
            Multiprocessors = gpu.Cuda.MultiprocessorCount,
            DriverVersion = host.DriverVersion,
            CudaVersion = host.Cuda.DriverCudaVersion,
            NvrtcVersion = kernelInfo.NvrtcVersion,
            CublasVersion = gemm.CublasVersion,
            PowerLimitsW = [limits.Min.Watts, limits.Max.Watts, limits.Default.Watts, limits.Enforced.Watts],
            InstantPowerField = gpu.Nvml.CanReadInstantPower,
            NvrtcCompileMs = Math.Round(kernelInfo.CompileMs, 1),
            KernelRegisters = kernelInfo.Registers,
            KernelLocalBytes = kernelInfo.LocalBytes,
            ThreadsPerBlock = kernelInfo.ThreadsPerBlock,
            ResidentBlocks = kernelInfo.ResidentBlocks,
            HashingSeconds = Math.Round(hashing.Elapsed.TotalSeconds, 3),
            Hashes = hashing.Hashes,
            HashingMeanW = Math.Round(hashing.MeanWatts, 1),
            GenesisNonceFound = hashing.GenesisNonceFound,
            InvalidCandidates = hashing.Invalid,
            GemmSize = options.GemmSize,
            GemmMsPerIteration = Math.Round(gemm.HeaterPerPass.TotalMilliseconds, 3),
            PrefillTokensPerSecond = Math.Round(gemm.PrefillTokensPerSecond, 0),
            PrefillTflops = Math.Round(gemm.PrefillTflops, 1),
            DecodeTokensPerSecond = Math.Round(gemm.DecodeTokensPerSecond, 0),
            DecodeTflops = Math.Round(gemm.DecodeTflops, 1),
            GflopsPerToken = Math.Round(TransformerShape.SevenB.FlopsPerToken / 1e9, 3),
            SecondsPerTarget = options.Seconds,
            TrackingMeanDuty = duties,
        };
    }

    private sealed record KernelInfo(string NvrtcVersion, double CompileMs, int Registers, int LocalBytes, int ThreadsPerBlock, int ResidentBlocks);

    private sealed record GemmFigures(double HeaterTflops, TimeSpan HeaterPerPass, double PrefillTflops, double PrefillTokensPerSecond,
        double DecodeTflops, double DecodeTokensPerSecond, int CublasVersion);

    private static (Sha256dBenchWindow.Measurement, KernelInfo, GemmFigures) MeasureCompute(NvidiaHost host, NvidiaGpu gpu, CudaBenchOptions options,
        TimeSpan window, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var context = host.Cuda.RetainPrimaryContext(gpu.Cuda);
        var cache = Directory.CreateTempSubdirectory("heatgrid-bench-cubin-");
        try
        {
            var compiler = new KernelCompiler(host.Nvrtc, new KernelCompilerOptions { CacheDirectory = cache.FullName }, loggers.CreateLogger<KernelCompiler>(), time);
            Sha256dBenchWindow.Measurement hashing;
            KernelInfo info;
            using (var kernel = CudaSha256dKernel.Load(context, compiler, timeProvider: time))
            {
                info = new KernelInfo(compiler.NvrtcVersion, kernel.CompileTime.TotalMilliseconds, kernel.Registers,
                    KernelLocalBytes(kernel), kernel.ThreadsPerBlock, kernel.ResidentBlocks);
                var searchLogger = new MinimumLevelLogger<GpuNonceSearch>(loggers.CreateLogger<GpuNonceSearch>(), LogLevel.Warning);
                hashing = Sha256dBenchWindow.Run(kernel, gpu.Nvml, window, time, searchLogger, cancellationToken);
            }

            var heater = GemmWorkload.Heater(options.GemmSize);
            var prefill = GemmWorkload.Prefill(TransformerShape.SevenB);
            var decode = GemmWorkload.Decode(TransformerShape.SevenB);
            using var gemms = new GemmBench(context, host.Cublas, [heater, prefill, decode]);
            cancellationToken.ThrowIfCancellationRequested();
            var (heaterFlops, heaterPass) = gemms.Time(heater, options.GemmWarmup, options.GemmIterations);
            var (prefillFlops, _) = gemms.Time(prefill, 1, 2);
            var (decodeFlops, _) = gemms.Time(decode, 2, 10);
            var figures = new GemmFigures(heaterFlops / 1e12, heaterPass, prefillFlops / 1e12, prefill.TokensPerSecond(prefillFlops),
                decodeFlops / 1e12, decode.TokensPerSecond(decodeFlops), gemms.CublasVersion);
            return (hashing, info, figures);
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    private static int KernelLocalBytes(CudaSha256dKernel kernel)
    {
        try
        {
            return kernel.LocalBytes;
        }
        catch (CudaException)
        {
            return -1;
        }
    }

    private static async Task<(IReadOnlyList<PowerTrackingResult>, IReadOnlyList<double>)> TrackAsync(NvidiaHost host, NvidiaGpu gpu,
        CudaBenchOptions options, TimeSpan hold, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var compiler = new KernelCompiler(host.Nvrtc, logger: loggers.CreateLogger<KernelCompiler>(), timeProvider: time);
        var loads = new CudaLoadFactory(host.Cuda, gpu.Cuda, compiler, host.Cublas, LocalMiningJobSource.Genesis(), time, loggers);
        using var device = new CudaGpuDevice("bench/cuda" + gpu.Cuda.Ordinal.ToString(CultureInfo.InvariantCulture), "bench", gpu.Nvml,
            DutyCycleModel.IdleWithContext, loads, _ => WorkloadKind.Heater, time, loggers.CreateLogger<CudaGpuDevice>());
        using var ticks = new PeriodicTimer(options.SamplePeriod, time);
        var results = new List<PowerTrackingResult>();
        var duties = new List<double>();
        try
        {
            // The heater allocates and fills its operands on its first burst: wait for it before any clock starts.
            device.Apply("heater", Power.FromWatts(GpuBench.TrackingTargetsW[0]));
            var waited = time.GetTimestamp();
            while (device.ActiveLoad is DutyCycleLoad { Runner.Bursts: 0, Fault: null } && time.GetElapsedTime(waited) < options.LoadStartTimeout)
            {
                await ticks.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
            }

            if (device.ActiveLoad is not DutyCycleLoad { Fault: null, Runner.Bursts: > 0 } load)
            {
                throw new InvalidOperationException("The heater load did not start: " +
                    ((device.ActiveLoad as DutyCycleLoad)?.Fault?.Message ?? $"no burst within {options.LoadStartTimeout.TotalSeconds:F0} s"));
            }

            foreach (var target in GpuBench.TrackingTargetsW)
            {
                device.Apply("heater", Power.FromWatts(target));
                var started = time.GetTimestamp();
                var samples = new List<(double Seconds, double AverageW)>();
                double dutySum = 0;
                while (time.GetElapsedTime(started) < hold && await ticks.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    samples.Add((time.GetElapsedTime(started).TotalSeconds, gpu.Nvml.AveragePower.Watts));
                    dutySum += load.Duty;
                }

                if (load.Fault is { } fault)
                {
                    throw new InvalidOperationException("The heater load stopped: " + fault.Message, fault);
                }

                results.Add(PowerTrackingResult.FromSamples(target, samples));
                duties.Add(Math.Round(dutySum / samples.Count, 3));
            }
        }
        finally
        {
            device.Apply(null, Power.Zero);
        }

        return (results, duties);
    }

    private static string Note(CudaBenchOptions options) => string.Join(' ',
        Invariant($"Measured on this GPU. sha256dGhs: Kernels/sha256d.cu at full duty for {options.Seconds:F0} s over the genesis header's nonce space"),
        "(2^30 per launch, one wave of resident blocks, time rolled after each 2^32), every candidate re-hashed on the CPU; the share target's",
        "top word is 3 and its lower bits all set, so the kernel's quick reject is exact and sharesVerified must equal sharesFound.",
        "sha256dJoulesPerGh: NVML energy counter over the same window.",
        Invariant($"gemmTflops: bf16 {options.GemmSize}^3 cublasGemmEx (fp32 accumulate), {options.GemmIterations} iterations after {options.GemmWarmup} warm-up,"),
        "timed with CUDA events. Tokens/s: FLOPs/s of a 7B-class model's projection GEMMs (hidden 4096, FFN 11008, 32 layers; prefill 2048",
        "tokens, decode batch 32) / FLOPs per token; attention products and other ops are not run. powerTracking: the heater GEMM on a",
        "25 ms duty cycle, PowerController on NVML instant power every 100 ms; the NVML 1-s average sampled every",
        Invariant($"{options.SamplePeriod.TotalMilliseconds:F0} ms for {options.Seconds:F0} s per target; settled = last sample outside +/-5 %."),
        "No GPU setting (power limit, clocks, modes) was changed.");

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
