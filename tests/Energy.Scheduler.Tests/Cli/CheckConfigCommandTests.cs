using Energy.Scheduler.Cli;

namespace Energy.Scheduler.Tests.Cli;

public sealed class CheckConfigCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-cfg-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Run_ValidFile_PrintsASummaryAndReturns0()
    {
        var path = Write("ok.yaml", RunCommand.DemoSite());
        var (code, stdout, stderr) = Run(path);

        Assert.Equal(0, code);
        Assert.Contains("OK", stdout, StringComparison.Ordinal);
        Assert.Contains("1280 GPUs", stdout, StringComparison.Ordinal);
        Assert.Empty(stderr);
    }

    [Fact]
    public void Run_BrokenFile_PrintsEachErrorWithFileLineColumnAndReturns1()
    {
        var yaml = RunCommand.DemoSite()
            .Replace("count: 1024", "count: lots", StringComparison.Ordinal)
            .Replace("heatLoop: bath ", "heatLoop: sauna ", StringComparison.Ordinal);
        var path = Write("broken.yaml", yaml);
        var lines = yaml.Split('\n');
        var countLine = Array.FindIndex(lines, l => l.Contains("count: lots", StringComparison.Ordinal)) + 1;
        var loopLine = Array.FindIndex(lines, l => l.Contains("heatLoop: sauna", StringComparison.Ordinal)) + 1;

        var (code, stdout, stderr) = Run(path);

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Contains($"{path}:{countLine}:12: pools[0].count: expected a whole number", stderr, StringComparison.Ordinal);
        Assert.Contains($"{path}:{loopLine}:15: pools[0].heatLoop: there is no heat loop named 'sauna'", stderr, StringComparison.Ordinal);
        Assert.Contains("2 errors", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PointUnitThatDoesNotConvertToItsSignals_PrintsFileLineColumnAndReturns1()
    {
        var yaml = RunCommand.DemoSite().Replace("scale: 0.01, unit: kW, min: 0, max: 3000,", "scale: 0.01, unit: m3/h, min: 0, max: 3000,", StringComparison.Ordinal);
        var path = Write("units.yaml", yaml);
        var lines = yaml.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains("unit: m3/h, min: 0, max: 3000,", StringComparison.Ordinal));
        var column = lines[line].IndexOf("m3/h, min: 0, max: 3000,", StringComparison.Ordinal) + 1;

        var (code, _, stderr) = Run(path);

        Assert.Equal(1, code);
        Assert.Contains($"{path}:{line + 1}:{column}: devices[0].points[0].unit: m3/h (volume flow) does not convert to kW (power), the unit of signal bath.heatDeliveredKw",
            stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingFile_Returns1AndSaysSo()
    {
        var (code, _, stderr) = Run(Path.Combine(_folder, "nope.yaml"));

        Assert.Equal(1, code);
        Assert.Contains("cannot read the file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Sha256dWithoutPool_WarnsItEarnsNothing_WithASeriesSaysWhatItIsWorth()
    {
        File.WriteAllText(Path.Combine(_folder, "hp.csv"), "timestamp_utc,hashprice_eur_per_th_day\n2024-01-01T00:00:00Z,0.05\n");
        var path = Write("btc.yaml", RunCommand.DemoSite().Replace("revenuePerUnit: 0.0011", "revenuePerUnit: 0.0011\n    algorithm: sha256d\n    valueSeries: hp.csv", StringComparison.Ordinal));

        var (code, stdout, _) = Run(path);

        Assert.Equal(0, code);
        Assert.Contains($"{path}: WARNING: mining workload mining hashes SHA-256d without a pool", stdout, StringComparison.Ordinal);
        // Read from the site file's folder; 0.05 × 0.0081 TH/s / 0.00936 MWh a day on the H100s.
        Assert.Contains("mining workload mining on liquid-h100: hashprice_eur_per_th_day of " + Path.Combine(_folder, "hp.csv") + " (2024-01-01..2024-01-01); its last value is worth 0.0433 EUR/MWh of GPU energy, but without a pool it earns nothing",
            stdout, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Stdout, string Stderr) Run(string path)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CheckConfigCommand.Run(path, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
