using System.Diagnostics;
using System.Globalization;
using System.Text;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Sites;
using Energy.Telemetry.Mqtt;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// The agents spread over K <c>heatgrid bench dr-agents</c> children, as separate MQTT clients in other
/// processes. The bench cannot read them, so what they command is what they report on the broker
/// (<see cref="ReportedAgentPower"/>). Disposing closes the children's stdin, so that they dispose their
/// agents (which publish "offline"), and kills whichever is still running after 10 s.
/// </summary>
internal sealed class ChildProcessBenchAgents : IDemandResponseBenchAgents
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    private readonly int _agentCount;
    private readonly int _gpusPerAgent;
    private readonly string _brokerUri;
    private readonly string _runId;
    private readonly byte[] _secret;
    private readonly ReportedAgentPower _power;
    private readonly List<(Process Process, StringBuilder Errors)> _children = [];
    private readonly TaskCompletionSource<string> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    /// <param name="brokerUri">The broker as the children are to reach it (<c>--broker</c> as given, or the embedded one's).</param>
    public ChildProcessBenchAgents(Site site, int agentCount, int gpusPerAgent, int processes, string brokerUri, MqttBrokerOptions broker,
        string runId, byte[] secret, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(processes, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(processes, agentCount);
        _agentCount = agentCount;
        _gpusPerAgent = gpusPerAgent;
        _brokerUri = brokerUri;
        _runId = runId;
        _secret = secret;
        Processes = processes;
        Cap = new CapMonitor(site);
        _power = new ReportedAgentPower(broker, new AgentTopics(site.Name), runId, Cap, time);
    }

    public int Processes { get; }

    public CapMonitor Cap { get; }

    public Task<string> Lost => _lost.Task;

    public async Task StartAsync(CancellationToken ct)
    {
        await _power.StartAsync(ct);
        for (var k = 0; k < Processes; k++)
        {
            var first = (int)((long)k * _agentCount / Processes);
            var count = (int)((long)(k + 1) * _agentCount / Processes) - first;
            var info = BenchChildProcess.StartInfo(["bench", "dr-agents", "--first", Invariant(first), "--count", Invariant(count),
                "--gpus-per-agent", Invariant(_gpusPerAgent), "--broker", _brokerUri, "--run-id", _runId]);
            info.RedirectStandardError = true;
            info.Environment[DemandResponseBenchSite.SecretVariable] = Convert.ToBase64String(_secret);
            var child = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
            var errors = new StringBuilder();
            _children.Add((child, errors));
            _ = WatchAsync(child, errors, first, count);
            child.ErrorDataReceived += (_, e) =>
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            };
            child.BeginErrorReadLine();
        }

        // The first child that fails fails the start at once; disposing then stops the others.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ReadyTimeout);
        var waiting = _children.Select(c => WaitReadyAsync(c.Process, c.Errors, timeout.Token)).ToList();
        try
        {
            while (waiting.Count > 0)
            {
                var ready = await Task.WhenAny(waiting);
                await ready;
                waiting.Remove(ready);
            }
        }
        finally
        {
            await timeout.CancelAsync();
        }
    }

    public double CommandedW(DateTimeOffset knownSince) => _power.CommandedW(knownSince);

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        foreach (var (process, _) in _children)
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // already gone
            }
        }

        foreach (var (process, _) in _children)
        {
            using var timeout = new CancellationTokenSource(ExitTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }

            process.Dispose();
        }

        await _power.DisposeAsync();
    }

    /// <summary>A child that exits before the bench stops it takes its agents with it: the run is told at once.</summary>
    private async Task WatchAsync(Process child, StringBuilder errors, int first, int count)
    {
        try
        {
            await child.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            return;   // disposed by the bench's own stop
        }

        if (!_stopping)
        {
            _lost.TrySetResult(string.Create(CultureInfo.InvariantCulture,
                $"agent process {child.Id} (agents {first}..{first + count - 1}) exited with code {child.ExitCode} mid-run{Tail(errors)}"));
        }
    }

    private static string Tail(StringBuilder errors)
    {
        var text = Text(errors);
        return text.Length == 0 ? " (nothing on its stderr)" : ": " + (text.Length > 2000 ? "…" + text[^2000..] : text);
    }

    private static async Task WaitReadyAsync(Process child, StringBuilder errors, CancellationToken ct)
    {
        try
        {
            while (await child.StandardOutput.ReadLineAsync(ct) is { } line)
            {
                if (line == "ready")
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!child.HasExited)
        {
            throw new TimeoutException($"agent process {child.Id} was not ready within {ReadyTimeout.TotalSeconds:F0} s: {Text(errors)}");
        }

        await child.WaitForExitAsync(CancellationToken.None);
        throw new InvalidOperationException($"agent process {child.Id} exited with code {child.ExitCode} before it was ready: {Text(errors)}");
    }

    private static string Text(StringBuilder errors)
    {
        lock (errors)
        {
            return errors.ToString().Trim();
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
