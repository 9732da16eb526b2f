using System.Globalization;
using System.Text.Json;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Cli;

/// <summary><c>heatgrid bench dr</c> with its agents in child processes, run to the end as a user would.</summary>
public sealed class BenchDemandResponseVerbTests
{
    [Fact]
    public async Task BenchDr_AgentsInTwoProcesses_EveryAgentShedsUnderTheCapAndTheChildrenAreGone()
    {
        using var bench = HeatGridProcess.Start("bench", "dr", "--agents", "40", "--processes", "2", "--steps", "1", "--json");

        Assert.True(await bench.WaitForExitAsync(TimeSpan.FromSeconds(30)), "bench dr did not finish within 30 s:\n" + bench.Output);
        Assert.True(bench.ExitCode == 0, bench.Output);
        var line = bench.Output.Split('\n').Single(l => l.StartsWith('{'));
        using var json = JsonDocument.Parse(line);
        var r = json.RootElement;
        Assert.Equal(40, r.GetProperty("agents").GetInt32());
        Assert.Equal(2, r.GetProperty("processes").GetInt32());
        Assert.Equal(40, r.GetProperty("samples").GetInt32());
        Assert.Equal(0, r.GetProperty("missing").GetInt32());
        Assert.Equal(0, r.GetProperty("capViolations").GetInt32());
        Assert.True(r.GetProperty("capSamples").GetInt64() > 0, line);

        // The headline, first in the output: signal → power observed down, against the 49.6-Hz stage's 1.0 s.
        Assert.Equal("powerDownP50Ms", r.EnumerateObject().Skip(4).First().Name);
        Assert.Equal(40, r.GetProperty("powerDownSamples").GetInt32());
        Assert.Equal(0, r.GetProperty("notObserved").GetInt32());
        Assert.Equal(1000, r.GetProperty("deadlineMs").GetDouble());
        Assert.Equal(("simulated-instant", 25.0), (r.GetProperty("powerReading").GetString(), r.GetProperty("powerReadingWindowMs").GetDouble()));
        var p50 = r.GetProperty("powerDownP50Ms").GetDouble();
        var p99 = r.GetProperty("powerDownP99Ms").GetDouble();
        var max = r.GetProperty("powerDownMaxMs").GetDouble();
        Assert.True(p50 <= p99 && p99 <= max, line);

        // Not faster than a board can fall: the kernel in flight (25 ms) and 95 % of a τ = 20 ms fall (60 ms) come
        // after each agent's command, then the reading's window; a loaded machine may add to it, within the deadline.
        Assert.InRange(p50, 85, 1000);
        Assert.True(max < 1000, line);
        Assert.Equal(40, r.GetProperty("metDeadline").GetInt32());
        var stage = Assert.Single(r.GetProperty("stages").EnumerateArray());
        Assert.Equal((49.6, 1000.0, 40), (stage.GetProperty("thresholdHz").GetDouble(), stage.GetProperty("deadlineMs").GetDouble(), stage.GetProperty("samples").GetInt32()));
        Assert.Equal(r.GetProperty("metDeadline").GetInt32(), stage.GetProperty("met").GetInt32());

        // Second: signal → GPUs commanded (was p50Ms/p99Ms/maxMs).
        Assert.InRange(r.GetProperty("commandP99Ms").GetDouble(), 0, 10_000);
        Assert.True(r.GetProperty("commandP50Ms").GetDouble() + 85 <= p50, line);
        Assert.Empty(AgentProcessesOf(bench.Id));
    }

    [Fact]
    public async Task BenchDr_AnAgentProcessDiesMidRun_StopsAtOnceNamingItAndLeavesNoChildren()
    {
        using var bench = HeatGridProcess.Start("bench", "dr", "--agents", "40", "--processes", "2", "--steps", "200", "--json");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!bench.Output.Contains("every agent holds its load", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !bench.HasExited, "bench dr never had its agents holding their load:\n" + bench.Output);
            await Task.Delay(50);
        }

        var victim = ChildIdsOf(bench.Id)[0];
        using (var child = System.Diagnostics.Process.GetProcessById(victim))
        {
            child.Kill();
        }

        Assert.True(await bench.WaitForExitAsync(TimeSpan.FromSeconds(20)), "bench dr went on after losing an agent process:\n" + bench.Output);
        Assert.Equal(1, bench.ExitCode);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"bench dr: agent process {victim} (agents "), bench.Output, StringComparison.Ordinal);
        Assert.Contains(") exited with code ", bench.Output, StringComparison.Ordinal);
        Assert.Contains(" mid-run", bench.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(bench.Output.Split('\n'), l => l.StartsWith('{'));   // no figures from a broken run
        Assert.Empty(AgentProcessesOf(bench.Id));
    }

    private static List<int> ChildIdsOf(int benchId)
    {
        var ids = AgentProcessesOf(benchId).Select(c => c.Pid).ToList();
        Assert.Equal(2, ids.Count);
        return ids;
    }

    /// <summary>Live <c>bench dr-agents</c> children of a bench run (their <c>--run-id</c> is the bench's process id).</summary>
    private static List<(int Pid, string CommandLine)> AgentProcessesOf(int benchId)
    {
        var runId = "\0--run-id\0" + benchId.ToString(CultureInfo.InvariantCulture) + "\0";
        var found = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;   // self, thread-self, sys, …
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains("\0dr-agents\0", StringComparison.Ordinal) && cmdline.Contains(runId, StringComparison.Ordinal))
                {
                    found.Add((pid, cmdline.Replace('\0', ' ')));
                }
            }
            catch (IOException)
            {
                // not a process, or it has just gone
            }
            catch (UnauthorizedAccessException)
            {
                // another user's process
            }
        }

        return found;
    }
}
