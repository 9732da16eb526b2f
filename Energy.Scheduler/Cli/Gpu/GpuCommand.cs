using System.CommandLine;
using Energy.Gpu.Benchmarks;

namespace Energy.Scheduler.Cli.Gpu;

/// <summary><c>heatgrid gpu info|bench</c>: thin wrappers over <see cref="GpuInventory"/> and <see cref="GpuBench"/>.</summary>
internal static class GpuCommand
{
    public static Command Create()
    {
        var command = new Command("gpu", "GPUs: what is installed, and a bench (simulated until the CUDA/NVML backend lands).");
        command.Subcommands.Add(CreateInfo());
        command.Subcommands.Add(CreateBench());
        return command;
    }

    private static Command CreateInfo()
    {
        var json = new Option<bool>("--json");
        var info = new Command("info", "NVIDIA driver present or not; simulated GPUs with limits and workloads.") { json };
        info.SetAction(r =>
        {
            var found = GpuInventory.NvidiaDriverFound();
            Console.Out.Write(r.GetValue(json) ? GpuInventory.ToJson(found) + Environment.NewLine : GpuInventory.ToText(found));
            return 0;
        });
        return info;
    }

    private static Command CreateBench()
    {
        var simulated = new Option<bool>("--simulated") { Description = "Bench a simulated GPU (the only backend so far)." };
        var seconds = new Option<double>("--seconds") { Description = "Simulated seconds per power target (3..3600).", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json");
        var bench = new Command("bench", "Hash/GEMM rates (modelled when simulated) and power tracking at 200/300/450 W.") { simulated, seconds, json };
        bench.SetAction(r =>
        {
            if (!r.GetValue(simulated))
            {
                Console.Error.WriteLine("Only --simulated is available: the CUDA/NVML backend is not built yet (see `heatgrid gpu info`).");
                return 2;
            }

            var s = r.GetValue(seconds);
            if (double.IsNaN(s) || s < 3 || s > 3_600)
            {
                Console.Error.WriteLine("--seconds: must be within 3..3600 simulated seconds.");
                return 2;
            }

            var result = GpuBench.RunSimulated(SimulatedGpuSpec.H100Sxm, s);
            if (r.GetValue(json))
            {
                Console.Out.WriteLine(GpuBench.ToJson(result));
                return 0;
            }

            Console.Out.WriteLine($"{result.Device}: {result.Sha256dGhs:F2} GH/s sha256d (model), {result.Sha256dJoulesPerGh:F1} J/GH, {result.GemmTflops:F0} TFLOP/s bf16 (model)");
            foreach (var p in result.PowerTracking)
            {
                Console.Out.WriteLine($"  target {p.TargetW:F0} W: mean {p.MeanW:F1} W ({p.ErrorPct:+0.00;-0.00} %), settled in {(p.SettleSeconds is { } t ? $"{t:F2} s" : "never")}");
            }

            Console.Out.WriteLine(result.Note);
            return 0;
        });
        return bench;
    }
}
