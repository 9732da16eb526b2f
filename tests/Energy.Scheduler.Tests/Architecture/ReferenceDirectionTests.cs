using System.Reflection;

namespace Energy.Scheduler.Tests.Architecture;

/// <summary>References run one way: Contracts ← Telemetry, Contracts ← Gpu, all three ← Scheduler (DESIGN.md).</summary>
public sealed class ReferenceDirectionTests
{
    private static readonly Assembly Contracts = typeof(Contracts.Units.Power).Assembly;
    private static readonly Assembly Telemetry = typeof(Telemetry.Signals.SignalRegistry).Assembly;
    private static readonly Assembly Gpu = typeof(Gpu.Agents.AgentCore).Assembly;
    private static readonly Assembly Scheduler = typeof(Scheduler.Planning.MeritOrder.MeritOrderPlanner).Assembly;

    [Fact]
    public void Contracts_ReferencesOnlyTheBaseLibraryAndTheYamlParser()
    {
        var names = References(Contracts);
        Assert.All(names, n => Assert.True(
            n.StartsWith("System", StringComparison.Ordinal) || n is "netstandard" or "YamlDotNet",
            $"Energy.Contracts must not reference {n}"));
    }

    [Fact]
    public void Telemetry_ReferencesContractsButNotGpuOrScheduler()
    {
        var names = References(Telemetry);
        Assert.Contains("Energy.Contracts", names);
        Assert.DoesNotContain("Energy.Gpu", names);
        Assert.DoesNotContain("Energy.Scheduler", names);
    }

    [Fact]
    public void Gpu_ReferencesContractsButNotTelemetryOrScheduler()
    {
        var names = References(Gpu);
        Assert.Contains("Energy.Contracts", names);
        Assert.DoesNotContain("Energy.Telemetry", names);
        Assert.DoesNotContain("Energy.Scheduler", names);
    }

    [Fact]
    public void Scheduler_ComposesAllThree()
    {
        var names = References(Scheduler);
        Assert.Contains("Energy.Contracts", names);
        Assert.Contains("Energy.Telemetry", names);
        Assert.Contains("Energy.Gpu", names);
    }

    [Fact]
    public void ProductionAssemblies_DoNotReferenceTestFrameworks()
    {
        foreach (var assembly in new[] { Contracts, Telemetry, Gpu, Scheduler })
        {
            Assert.DoesNotContain(References(assembly), n => n.StartsWith("xunit", StringComparison.OrdinalIgnoreCase)
                || n.StartsWith("Microsoft.Extensions.TimeProvider.Testing", StringComparison.Ordinal));
        }
    }

    private static List<string> References(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
}
