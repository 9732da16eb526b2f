using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Cli;

/// <summary><c>heatgrid check-config</c> as the checks call it: exit codes and located errors.</summary>
public sealed class CheckConfigVerbTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-check-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("bathhouse.yaml")]
    [InlineData("district-heat.yaml")]
    public async Task CheckConfig_ShippedExample_Exits0(string example)
    {
        var (code, output) = await HeatGridProcess.RunToEndAsync(Timeout, "check-config", RepoPaths.Example(example));

        Assert.True(code == 0, output);
        Assert.Contains(": OK:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count: 1024", "count: 1024.5", 32, "pools[0].count: expected a whole number")]
    [InlineData("count: 1024", "count: 2000000000", 32, "pools[0].count: expected a whole number between 1 and 100000, got 2000000000")]
    [InlineData("capacityKw: 1200", "capacityKw: -1200", 67, "heatLoops[0].boiler.capacityKw: expected a number (kW) between 0 and 10000000")]
    [InlineData("  safeState: idle", "  safeState: idle\n  colour: blue", 97, "policy.colour: unknown field 'colour'")]
    [InlineData("pools: [liquid-h100]         # only", "pools: [liquid-h200]         # only", 89, "workloads[2].pools: there is no GPU pool named 'liquid-h200'")]
    [InlineData("  timeZone: Europe/Berlin", "  timeZone: [Europe/Berlin", 20, "YAML syntax error")]
    public async Task CheckConfig_BrokenVariant_Exits1WithTheLine(string find, string replace, int line, string message)
    {
        var text = await File.ReadAllTextAsync(RepoPaths.Example("bathhouse.yaml"));
        Assert.Contains(find, text, StringComparison.Ordinal);
        var path = Path.Combine(_folder, "variant.yaml");
        await File.WriteAllTextAsync(path, text.Replace(find, replace, StringComparison.Ordinal));

        var (code, output) = await HeatGridProcess.RunToEndAsync(Timeout, "check-config", path);

        Assert.Equal(1, code);
        Assert.Contains($"{path}:{line}:", output, StringComparison.Ordinal);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_AHundredThousandNestedLists_Exits1WithTheLine()
    {
        // 200 kB of "- - - …": this once overflowed the stack and killed the process.
        var text = await File.ReadAllTextAsync(RepoPaths.Example("bathhouse.yaml"));
        var path = Path.Combine(_folder, "deep.yaml");
        await File.WriteAllTextAsync(path, text + "\ndeep:\n  " + string.Concat(Enumerable.Repeat("- ", 100_000)) + "x\n");

        var (code, output) = await HeatGridProcess.RunToEndAsync(Timeout, "check-config", path);

        Assert.Equal(1, code);
        Assert.Contains($"{path}:", output, StringComparison.Ordinal);
        Assert.Contains("nests deeper than 32 levels", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stack overflow", output, StringComparison.Ordinal);
    }
}
