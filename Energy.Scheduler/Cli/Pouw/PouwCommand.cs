using System.CommandLine;
using System.Text.Json;
using Energy.Gpu.Devices;
using Energy.Gpu.Pouw;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli.Pouw;

/// <summary>
/// <c>heatgrid pouw verify FILE</c> (one ticket: accepted, or the first check it failed) and
/// <c>heatgrid pouw bench</c> (the PoUW product against the plain one, tickets, the verifier's latency).
/// </summary>
internal static class PouwCommand
{
    public const string JobsFile = "pouw/jobs.json";

    public static Command Create()
    {
        var command = new Command("pouw", "Proof of useful work (docs/pouw.md): verify a ticket, bench the miner and the verifier.");
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateBench());
        return command;
    }

    private static Command CreateVerify()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A ticket (hgpouw-ticket/1 JSON); - reads standard input." };
        var jobs = new Option<FileInfo?>("--jobs") { Description = "The job registry (hgpouw-jobs/1 JSON) to check the job, weights, batch and header against." };
        var data = new Option<DirectoryInfo?>("--data") { Description = "The controller's data folder: its " + JobsFile + " is the registry." };
        var json = new Option<bool>("--json");
        var verify = new Command("verify", "Recompute a ticket's tile and accept it or name why not. Exit 0 accepted, 1 refused, 2 unreadable input.")
        {
            file, jobs, data, json,
        };
        verify.SetAction(r => Verify(r.GetValue(file)!, r.GetValue(jobs), r.GetValue(data), r.GetValue(json)));
        return verify;
    }

    private static int Verify(FileInfo file, FileInfo? jobs, DirectoryInfo? data, bool json)
    {
        string text;
        try
        {
            text = file.Name == "-" ? Console.In.ReadToEnd() : File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Cannot read {file.Name}: {e.Message}");
            return 2;
        }

        var registryPath = jobs?.FullName ?? (data is null ? null : Path.Combine(data.FullName, JobsFile));
        PouwJobRegistry? registry = null;
        if (registryPath is not null)
        {
            try
            {
                registry = PouwJobRegistry.FromJson(File.ReadAllText(registryPath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                Console.Error.WriteLine($"Cannot read the job registry {Path.GetFileName(registryPath)}: {e.Message}");
                return 2;
            }
        }

        PouwVerification verdict;
        if (!PouwTicket.TryParse(text, out var ticket, out var error))
        {
            verdict = new PouwVerification(PouwRejection.Malformed, error!, 0, false);
        }
        else
        {
            verdict = new PouwVerifier(registry, TimeProvider.System).Verify(ticket!);
        }

        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                accepted = verdict.Accepted,
                reason = verdict.Reason,
                detail = verdict.Detail,
                workUnits = verdict.WorkUnits,
                ticketId = ticket?.Id,
                registryConsulted = verdict.RegistryConsulted,
            }));
        }
        else
        {
            Console.Out.WriteLine(verdict.Accepted ? $"accepted: {verdict.Detail}" : $"refused ({verdict.Reason}): {verdict.Detail}");
            if (registry is null)
            {
                Console.Out.WriteLine("The job registry was not consulted (--jobs or --data): the job, its weights, the batch and the header's freshness are unchecked.");
            }
        }

        return verdict.Accepted ? 0 : 1;
    }

    private static Command CreateBench()
    {
        var simulated = new Option<bool>("--simulated") { Description = "Bench the CPU reference on this machine (no GPU)." };
        var json = new Option<bool>("--json");
        var runs = new Option<int>("--verify-runs") { Description = "Verifications timed (10..100000).", DefaultValueFactory = _ => 400 };
        var bench = new Command("bench", "PoUW GEMM against the plain GEMM (overheadPct), TOPS, tickets found and verified, the verifier's p50/p99.")
        {
            simulated, json, runs,
        };
        bench.SetAction(r => Bench(r.GetValue(simulated), r.GetValue(json), r.GetValue(runs)));
        return bench;
    }

    private static int Bench(bool simulated, bool json, int verifyRuns)
    {
        if (verifyRuns is < 10 or > 100_000)
        {
            Console.Error.WriteLine("--verify-runs: must be within 10..100000.");
            return 2;
        }

        if (!simulated)
        {
            if (!NvidiaHost.TryOpen(NvidiaLibraries.System, NullLogger.Instance, null, out var host, out var reason))
            {
                Console.Error.WriteLine($"No GPU to bench: {reason}. `heatgrid pouw bench --simulated` runs the CPU reference instead.");
                return 1;
            }

            host!.Dispose();
            Console.Error.WriteLine("The CUDA PoUW kernel has no host-side launcher yet (docs/pouw.md; Kernels/pouw.cu is checked on the CPU only). `heatgrid pouw bench --simulated` runs the CPU reference.");
            return 1;
        }

        var result = PouwBench.RunCpu(new PouwBenchOptions { VerifyRuns = verifyRuns }, TimeProvider.System);
        if (json)
        {
            Console.Out.WriteLine(PouwBench.ToJson(result));
        }
        else
        {
            Console.Out.WriteLine($"{result.Device}: {result.MineShape}: PoUW {result.PouwSeconds:F3} s vs plain {result.PlainSeconds:F3} s (overhead {result.OverheadPct:F1} %), " +
                $"{result.Tops:F4} TOPS int8; tickets {result.TicketsVerified}/{result.TicketsFound} verified; product exact: {result.ProductExact}");
            Console.Out.WriteLine($"verify ({result.VerifyShape}): p50 {result.VerifyMsP50:F3} ms, p99 {result.VerifyMsP99:F3} ms over {result.VerifyRuns} runs");
            Console.Out.WriteLine(result.Note);
        }

        return result.TicketsVerified == result.TicketsFound && result.ProductExact ? 0 : 3;
    }
}
