using System.CommandLine;
using System.Text.Json;
using Energy.Gpu.Cuda;
using Energy.Gpu.Devices;
using Energy.Gpu.Interop;
using Energy.Gpu.Pouw;
using Energy.Scheduler.Pouw;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli.Pouw;

/// <summary>
/// <c>heatgrid pouw verify FILE</c> (one ticket: accepted, or the first check it failed; the job registry from
/// <c>--jobs</c>, a controller's <c>--data</c> folder, or with <c>--ha URI --site NAME</c> the shared database of controllers
/// run with <c>--ha</c>) and <c>heatgrid pouw bench</c> (the PoUW product against the plain one, tickets, the verifier's latency).
/// </summary>
internal static class PouwCommand
{
    public const string JobsFile = "pouw/jobs.json";

    public static Command Create()
    {
        var command = new Command("pouw", "Proof of useful work (docs/pouw.md): verify a ticket, bench the miner and the verifier.");
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateBench());
        command.Subcommands.Add(PouwWeightsCommand.Create());
        return command;
    }

    private static Command CreateVerify()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A ticket (hgpouw-ticket/1 JSON); - reads standard input." };
        var jobs = new Option<FileInfo?>("--jobs") { Description = "The job registry (hgpouw-jobs/1 JSON) to check the job, weights, batch and header against." };
        var data = new Option<DirectoryInfo?>("--data") { Description = "The controller's data folder: its " + JobsFile + " is the registry, its ledger.db the logged batches." };
        var ha = new Option<string?>("--ha") { Description = $"Take the registry and the logged batches from the site's shared PostgreSQL database instead, as controllers run with --ha keep them (postgres://USER@HOST:PORT/DATABASE; password from ${Ha.HaOptions.PasswordVariable} or --ha-password-file)." };
        var haPasswordFile = new Option<string?>("--ha-password-file") { Description = $"File whose first line is the HA database's password (else ${Ha.HaOptions.PasswordVariable})." };
        var site = new Option<string?>("--site") { Description = "With --ha: the site's name (the name: in its site file), or its site file." };
        var json = new Option<bool>("--json");
        var verify = new Command("verify", "Recompute a ticket's tile and accept it or name why not. Exit 0 accepted, 1 refused, 2 unreadable input.")
        {
            file, jobs, data, ha, haPasswordFile, site, json,
        };
        verify.SetAction(r => Verify(r.GetValue(file)!, r.GetValue(jobs), r.GetValue(data),
            r.GetValue(ha) is { } uri ? new SharedBooks(uri, r.GetValue(site), r.GetValue(haPasswordFile)) : null, r.GetValue(json)));
        return verify;
    }

    /// <summary><c>--ha URI --site NAME [--ha-password-file F]</c>.</summary>
    private sealed record SharedBooks(string Uri, string? Site, string? PasswordFile);

    private static int Verify(FileInfo file, FileInfo? jobs, DirectoryInfo? data, SharedBooks? shared, bool json)
    {
        if (shared is not null && (jobs is not null || data is not null))
        {
            Console.Error.WriteLine("--ha takes the registry and the batches from the shared database: give it without --jobs and --data.");
            return 2;
        }

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
        if (shared is not null)
        {
            (registry, var problem) = ReadShared(shared);
            if (registry is null)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
        }
        else if (registryPath is not null)
        {
            try
            {
                registry = PouwJobRegistry.FromJson(File.ReadAllText(registryPath));
                var ledger = data is null ? null : Path.Combine(data.FullName, Books.LedgerStore.FileName);
                if (ledger is not null && File.Exists(ledger))
                {
                    // The batches are the ledger's (pouw_batches), not jobs.json's.
                    registry.RestoreActivations(Books.LedgerStore.ReadPouwBatchesReadOnly(ledger, PouwJobRegistry.ActivationsKept));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or Microsoft.Data.Sqlite.SqliteException)
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
                Console.Out.WriteLine("The job registry was not consulted (--jobs, --data or --ha): the job, its weights, the batch and the header's freshness are unchecked.");
            }
        }

        return verdict.Accepted ? 0 : 1;
    }

    /// <summary>
    /// The registry the leader keeps as the state document <see cref="PouwBooks.DocumentName"/>, with the batches of the shared
    /// ledger (<c>heatgrid_pouw_batches</c>) restored, as a controller taking over reads them; read only.
    /// </summary>
    private static (PouwJobRegistry? Registry, string? Problem) ReadShared(SharedBooks shared)
    {
        if (CliInputs.SharedDatabaseOrError(shared.Uri, shared.Site, shared.PasswordFile, out var problem) is not { } database)
        {
            return (null, problem);
        }

        var (options, name) = (database.Options, database.Site);
        try
        {
            var read = new Ha.PgStateDocuments(database).Read(PouwBooks.DocumentName);
            if (read.Body is null)
            {
                return (null, $"Cannot read the job registry: {options.Shown} holds none for site '{name}' (no job was registered through its controllers, or they run under another site name).");
            }

            var registry = PouwJobRegistry.FromJson(read.Body);
            registry.RestoreActivations(new Ha.PgLedgerStore(database, epoch: null).ReadPouwBatches(PouwJobRegistry.ActivationsKept));
            return (registry, null);
        }
        catch (Exception e) when (e is IOException or FormatException or Npgsql.NpgsqlException or TimeoutException)
        {
            return (null, $"Cannot read the job registry from {options.Shown} site '{name}': {e.Message}");
        }
        finally
        {
            database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static Command CreateBench()
    {
        var simulated = new Option<bool>("--simulated") { Description = "Bench the CPU reference on this machine (no GPU)." };
        var json = new Option<bool>("--json");
        var runs = new Option<int>("--verify-runs") { Description = "Verifications timed (10..100000).", DefaultValueFactory = _ => 400 };
        var size = new Option<int>("--size") { Description = "GPU: m = n = k of the product mined (a multiple of 32).", DefaultValueFactory = _ => 8192 };
        var rank = new Option<int>("--rank") { Description = "GPU: the noise rank r (1..64).", DefaultValueFactory = _ => 64 };
        var chunk = new Option<int>("--chunk") { Description = "GPU: k-steps between transcript points (a multiple of 32 dividing the size).", DefaultValueFactory = _ => 256 };
        var repetitions = new Option<int>("--repetitions") { Description = "GPU: timed launches of each variant after one warm-up; the median counts (1..100).", DefaultValueFactory = _ => 5 };
        var tickets = new Option<double>("--tickets") { Description = "GPU: tickets a batch is expected to find (sets the target).", DefaultValueFactory = _ => 32 };
        var gpu = new Option<int>("--gpu") { Description = "GPU: the device's index.", DefaultValueFactory = _ => 0 };
        var bench = new Command("bench", "PoUW GEMM against the plain GEMM (overheadPct) and, on a GPU, cuBLAS int8; TOPS, tickets found and verified, the verifier's p50/p99.")
        {
            simulated, json, runs, size, rank, chunk, repetitions, tickets, gpu,
        };
        bench.SetAction(r => r.GetValue(simulated)
            ? Bench(r.GetValue(json), r.GetValue(runs))
            : GpuBench(r.GetValue(json), new PouwGpuBenchOptions
            {
                MineShape = new PouwParameters(r.GetValue(size), r.GetValue(size), r.GetValue(size), r.GetValue(rank), 16, 16, r.GetValue(chunk)),
                Repetitions = r.GetValue(repetitions),
                TicketsPerBatch = r.GetValue(tickets),
                VerifyRuns = r.GetValue(runs),
            }, r.GetValue(gpu)));
        return bench;
    }

    private static int GpuBench(bool json, PouwGpuBenchOptions options, int gpuIndex)
    {
        if (CudaPouwKernelParameters.Refusal(options.MineShape) is { } refusal)
        {
            Console.Error.WriteLine($"--size/--rank/--chunk: {refusal}.");
            return 2;
        }

        if (options.Repetitions is < 1 or > 100 || options.VerifyRuns is < 10 or > 100_000 || !(options.TicketsPerBatch > 0))
        {
            Console.Error.WriteLine("--repetitions must be within 1..100, --verify-runs within 10..100000, --tickets above 0.");
            return 2;
        }

        if (!NvidiaHost.TryOpen(NvidiaLibraries.System, NullLogger.Instance, null, out var host, out var reason))
        {
            Console.Error.WriteLine($"No GPU to bench: {reason}. `heatgrid pouw bench --simulated` runs the CPU reference instead.");
            return 1;
        }

        using (host)
        {
            if (gpuIndex < 0 || gpuIndex >= host!.Gpus.Count)
            {
                Console.Error.WriteLine($"--gpu {gpuIndex}: this host has {host!.Gpus.Count} GPUs.");
                return 2;
            }

            PouwGpuBenchResult result;
            using (var context = host.Cuda.RetainPrimaryContext(host.Gpus[gpuIndex].Cuda))
            {
                try
                {
                    result = PouwGpuBench.Run(context, new KernelCompiler(host.Nvrtc), host.Cublas, options, TimeProvider.System);
                }
                catch (Exception e) when (e is CudaException or NvrtcException or NvrtcCompileException or CublasException)
                {
                    Console.Error.WriteLine($"The GPU bench failed: {e.Message}");
                    return 1;
                }
            }

            if (json)
            {
                Console.Out.WriteLine(PouwGpuBench.ToJson(result));
            }
            else
            {
                Console.Out.WriteLine($"{result.Device}: {result.MineShape}: PoUW batch {result.PouwSeconds * 1e3:F3} ms vs plain {result.PlainSeconds * 1e3:F3} ms " +
                    $"(overhead {result.OverheadPct:F1} %) vs cuBLAS int8 {result.CublasSeconds * 1e3:F3} ms ({result.OverheadVsCublasPct:F1} %); {result.Tops:F1} TOPS");
                Console.Out.WriteLine($"tickets {result.TicketsVerified}/{result.TicketsFound} verified ({result.TicketsRefused} GPU winners refused); product exact: {result.ProductExact}; " +
                    $"verify p50 {result.VerifyMsP50:F3} ms, p99 {result.VerifyMsP99:F3} ms");
                Console.Out.WriteLine(result.Note);
            }

            return result.TicketsFound > 0 && result.TicketsVerified == result.TicketsFound && result.TicketsRefused == 0 && result.ProductExact ? 0 : 3;
        }
    }

    private static int Bench(bool json, int verifyRuns)
    {
        if (verifyRuns is < 10 or > 100_000)
        {
            Console.Error.WriteLine("--verify-runs: must be within 10..100000.");
            return 2;
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
