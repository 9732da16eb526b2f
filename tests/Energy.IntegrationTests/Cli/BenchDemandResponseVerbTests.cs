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
        Assert.Equal(JsonValueKind.Number, r.GetProperty("p99Ms").ValueKind);
        Assert.InRange(r.GetProperty("p99Ms").GetDouble(), 0, 10_000);
        Assert.Empty(AgentProcessesOf(bench.Id));
    }

    /// <summary>Live <c>bench dr-agents</c> children of a bench run (their <c>--run-id</c> is the bench's process id).</summary>
    private static List<string> AgentProcessesOf(int benchId)
    {
        var runId = "\0--run-id\0" + benchId.ToString(CultureInfo.InvariantCulture) + "\0";
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains("\0dr-agents\0", StringComparison.Ordinal) && cmdline.Contains(runId, StringComparison.Ordinal))
                {
                    found.Add(cmdline.Replace('\0', ' '));
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
