using System.CommandLine;
using Energy.Gpu.Benchmarks;
using Energy.Gpu.Devices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli.Gpu;

/// <summary>
/// <c>heatgrid gpu info|bench</c>: thin wrappers over <see cref="NvidiaHost"/>, <see cref="CudaInventory"/>,
/// <see cref="CudaGpuBench"/> (a real GPU), <see cref="GpuInventory"/> and <see cref="GpuBench"/> (simulated).
/// </summary>
internal static class GpuCommand
{
    public const double MinSeconds = 3;
    public const double MaxRealSeconds = 120;

    public static Command Create()
    {
        var command = new Command("gpu", "GPUs: what is installed, and a bench (a real GPU, or --simulated).");
        command.Subcommands.Add(CreateInfo());
        command.Subcommands.Add(CreateBench());
        return command;
    }

    private static Command CreateInfo()
    {
        var json = new Option<bool>("--json");
        var info = new Command("info", "This host's NVIDIA GPUs (read only), or why there are none and the simulated GPUs.") { json };
        info.SetAction(r =>
        {
            var asJson = r.GetValue(json);
            if (NvidiaHost.TryOpen(NvidiaLibraries.System, NullLogger.Instance, null, out var host, out var reason))
            {
                using (host)
                {
                    Console.Out.Write(asJson ? CudaInventory.ToJson(host!) + Environment.NewLine : CudaInventory.ToText(host!));
                }

                return 0;
            }

            Console.Out.Write(asJson ? GpuInventory.ToJson(GpuInventory.NvidiaDriverFound(), reason) + Environment.NewLine : GpuInventory.ToText(reason));
            return 0;
        });
        return info;
    }

    private static Command CreateBench()
    {
        var simulated = new Option<bool>("--simulated") { Description = "Bench a simulated GPU (modelled rates, simulated time)." };
        var seconds = new Option<double>("--seconds")
        {
            Description = "Real GPU: seconds of hashing and of each power target (3..120). Simulated: simulated seconds per target (3..3600).",
            DefaultValueFactory = _ => 10,
        };
        var json = new Option<bool>("--json");
        var bench = new Command("bench", "SHA-256d and bf16 GEMM rates and power tracking at 200/300/450 W, on this host's GPU or --simulated.")
        {
            simulated, seconds, json,
        };
        bench.SetAction((r, ct) => r.GetValue(simulated)
            ? Task.FromResult(Simulated(r.GetValue(seconds), r.GetValue(json)))
            : RealAsync(r.GetValue(seconds), r.GetValue(json), ct));
        return bench;
    }

    private static int Simulated(double seconds, bool json)
    {
        if (double.IsNaN(seconds) || seconds < MinSeconds || seconds > 3_600)
        {
            Console.Error.WriteLine("--seconds: must be within 3..3600 simulated seconds.");
            return 2;
        }

        var result = GpuBench.RunSimulated(SimulatedGpuSpec.H100Sxm, seconds);
        if (json)
        {
            Console.Out.WriteLine(GpuBench.ToJson(result));
            return 0;
        }

        Console.Out.WriteLine($"{result.Device}: {result.Sha256dGhs:F2} GH/s sha256d (model), {result.Sha256dJoulesPerGh:F1} J/GH, {result.GemmTflops:F0} TFLOP/s bf16 (model)");
        WriteTracking(result.PowerTracking);
        Console.Out.WriteLine(result.Note);
        return 0;
    }

    private static async Task<int> RealAsync(double seconds, bool json, CancellationToken cancellationToken)
    {
        if (double.IsNaN(seconds) || seconds < MinSeconds || seconds > MaxRealSeconds)
        {
            await Console.Error.WriteLineAsync("--seconds: must be within 3..120 seconds on a real GPU.");
            return 2;
        }

        // Logs go to stderr, so stdout carries only the result (JSON when asked).
        using var loggers = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss "))
            .AddFilter((category, level) => level >= LogLevel.Information)
            .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        var logger = loggers.CreateLogger("Energy.Scheduler.Cli.Gpu");
        if (!NvidiaHost.TryOpen(NvidiaLibraries.System, logger, null, out var host, out var reason))
        {
            await Console.Error.WriteLineAsync($"No GPU to bench: {reason}. `heatgrid gpu bench --simulated` runs the modelled bench instead.");
            return 1;
        }

        using (host)
        {
            var result = await CudaGpuBench.RunAsync(host!, new CudaBenchOptions { Seconds = seconds }, TimeProvider.System, loggers, cancellationToken);
            if (json)
            {
                Console.Out.WriteLine(CudaGpuBench.ToJson(result));
            }
            else
            {
                Console.Out.WriteLine($"{result.Device} ({result.Architecture}, driver {result.DriverVersion}): {result.Sha256dGhs:F2} GH/s sha256d, " +
                    $"{result.Sha256dJoulesPerGh:F1} J/GH, shares {result.SharesVerified}/{result.SharesFound} verified, {result.GemmTflops:F0} TFLOP/s bf16; " +
                    $"7B tokens/s: prefill {result.PrefillTokensPerSecond:F0}, decode {result.DecodeTokensPerSecond:F0}");
                WriteTracking(result.PowerTracking);
                Console.Out.WriteLine(result.Note);
            }

            return result.SharesVerified == result.SharesFound && result.InvalidCandidates == 0 && result.GenesisNonceFound ? 0 : 3;
        }
    }

    private static void WriteTracking(IReadOnlyList<PowerTrackingResult> tracking)
    {
        foreach (var p in tracking)
        {
            Console.Out.WriteLine($"  target {p.TargetW:F0} W: mean {p.MeanW:F1} W ({p.ErrorPct:+0.00;-0.00} %), settled in {(p.SettleSeconds is { } t ? $"{t:F2} s" : "never")}");
        }
    }
}
