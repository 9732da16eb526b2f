using System.CommandLine;
using Energy.Scheduler.NodeAgent.Pouw;

namespace Energy.Scheduler.Cli;

/// <summary><c>heatgrid agent</c>'s PoUW options: the controller's API, an agent API key, the job, the weights' seed and the outbox.</summary>
internal sealed class AgentPouwInputs
{
    /// <summary>The environment variable that may hold the agent's API key, so that it stays out of <c>ps</c>.</summary>
    public const string KeyVariable = "HEATGRID_POUW_KEY";

    public Option<string?> Api { get; } = new("--pouw-api") { Description = "Mine PoUW in the mining workload for the controller at this HTTP API (http://HOST:PORT); with --pouw-job and --pouw-weights-seed." };

    public Option<string?> KeyFile { get; } = new("--pouw-key-file") { Description = $"File whose first line is an agent API key (hg_…, 'heatgrid users add NAME --role agent'); else ${KeyVariable}." };

    public Option<string?> Job { get; } = new("--pouw-job") { Description = "The PoUW job to mine: TENANT/JOB, registered at the controller with the root 'heatgrid pouw weights' prints." };

    public Option<long?> WeightsSeed { get; } = new("--pouw-weights-seed") { Description = "The seed of the job's weights W (as given to 'heatgrid pouw weights --seed S')." };

    public Option<string> Outbox { get; } = new("--pouw-outbox") { Description = "Folder that holds mined tickets until the controller has answered them.", DefaultValueFactory = _ => "pouw-outbox" };

    public Option<double> BatchRate { get; } = new("--pouw-batch-rate")
    {
        Description = "Synthetic request batches logged at the controller per second at most (each is mined once; 0.1..1000).",
        DefaultValueFactory = _ => 20,
    };

    public IEnumerable<Option> All => [Api, KeyFile, Job, WeightsSeed, Outbox, BatchRate];

    /// <summary>Null without <c>--pouw-api</c>; the options; or an error printed (then <paramref name="ok"/> is false).</summary>
    public PouwNodeOptions? Read(ParseResult r, TextWriter stderr, out bool ok, Func<string, string?>? environment = null)
    {
        ok = true;
        var api = r.GetValue(Api);
        var job = r.GetValue(Job);
        var seed = r.GetValue(WeightsSeed);
        if (api is null)
        {
            if (job is not null || seed is not null || r.GetValue(KeyFile) is not null)
            {
                return Fail(stderr, out ok, "--pouw-job, --pouw-weights-seed and --pouw-key-file need --pouw-api URL (the controller's HTTP API)");
            }

            return null;
        }

        if (!Uri.TryCreate(api, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return Fail(stderr, out ok, $"--pouw-api: '{api}' is not an http:// or https:// URL");
        }

        var slash = job?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (job is null || slash < 1 || slash == job.Length - 1 || job.IndexOf('/', slash + 1) >= 0)
        {
            return Fail(stderr, out ok, "--pouw-job: give the job as TENANT/JOB (as registered with POST /api/pouw/jobs)");
        }

        if (seed is not { } weightsSeed)
        {
            return Fail(stderr, out ok, "--pouw-weights-seed: give the seed of the job's weights ('heatgrid pouw weights --seed S' printed the root registered)");
        }

        var rate = r.GetValue(BatchRate);
        if (!double.IsFinite(rate) || rate < 0.1 || rate > 1000)
        {
            return Fail(stderr, out ok, "--pouw-batch-rate: batches per second from 0.1 to 1000");
        }

        string? key;
        var keyFile = r.GetValue(KeyFile);
        if (keyFile is not null)
        {
            (key, var error) = CliInputs.ReadPasswordFile(keyFile);
            if (error is not null)
            {
                return Fail(stderr, out ok, "--pouw-key-file: " + error);
            }
        }
        else
        {
            key = (environment ?? Environment.GetEnvironmentVariable)(KeyVariable);
        }

        if (string.IsNullOrWhiteSpace(key) || !key.Trim().StartsWith("hg_", StringComparison.Ordinal))
        {
            return Fail(stderr, out ok, $"--pouw-api needs an agent API key (hg_…): --pouw-key-file FILE or ${KeyVariable} ('heatgrid users add NAME --role agent' makes one)");
        }

        return new PouwNodeOptions(uri, key.Trim(), job[..slash], job[(slash + 1)..], weightsSeed, r.GetValue(Outbox)!) { MaxBatchesPerSecond = rate };
    }

    private static PouwNodeOptions? Fail(TextWriter stderr, out bool ok, string message)
    {
        stderr.WriteLine(message);
        ok = false;
        return null;
    }
}
