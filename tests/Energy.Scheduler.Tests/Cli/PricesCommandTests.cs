using Energy.Scheduler.Cli;
using Energy.Telemetry.Prices;

namespace Energy.Scheduler.Tests.Cli;

/// <summary><c>heatgrid prices show|clear --data FOLDER</c> on the last good price store.</summary>
public sealed class PricesCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-prices-cli-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private string LastGood => LastGoodPriceStore.PathIn(_data);

    private void Write(string csv)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LastGood)!);
        File.WriteAllText(LastGood, csv);
    }

    private static (int Code, string Stdout, string Stderr) Run(Func<string, TextWriter, TextWriter, int> verb, string data)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = verb(data, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Show_PrintsRangeCountMinMaxAndPublication()
    {
        Write("timestamp_utc,price_eur_per_mwh,published_utc\n2024-07-10T09:00:00Z,-12.5,2024-07-09T11:00:00Z\n2024-07-10T10:00:00Z,88,2024-07-09T11:05:00Z\n");

        var (code, stdout, _) = Run(PricesCommand.Show, _data);

        Assert.Equal(0, code);
        Assert.Contains("2 slots of 60 minutes, 2024-07-10T09:00Z to 2024-07-10T11:00Z", stdout, StringComparison.Ordinal);
        Assert.Contains("prices -12.5 to 88 EUR/MWh; published 2024-07-09T11:05Z", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_PoisonedStore_SaysItWouldBeRefused()
    {
        Write("timestamp_utc,price_eur_per_mwh\n2024-07-10T09:00:00Z,1000000000000\n2024-07-10T10:00:00Z,88\n");

        var (code, _, stderr) = Run(PricesCommand.Show, _data);

        Assert.Equal(1, code);
        Assert.Contains($"{LastGood}:2: the price 1000000000000 per MWh is outside", stderr, StringComparison.Ordinal);
        Assert.Contains("heatgrid prices clear", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Clear_RemovesTheStoreWithAConfirmation_ThenNothingToClear()
    {
        Write("timestamp_utc,price_eur_per_mwh\n2024-07-10T09:00:00Z,1000000000000\n");

        var (code, stdout, _) = Run(PricesCommand.Clear, _data);

        Assert.Equal(0, code);
        Assert.Contains($"cleared the last good prices: removed {LastGood}", stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(LastGood));
        Assert.Contains("nothing to clear", Run(PricesCommand.Clear, _data).Stdout, StringComparison.Ordinal);
        Assert.Contains("no last good prices", Run(PricesCommand.Show, _data).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Clear_ThroughTheCommandLine_Exits0()
    {
        Write("timestamp_utc,price_eur_per_mwh\n2024-07-10T09:00:00Z,50\n");

        var code = HeatGridCli.Build().Parse(["prices", "clear", "--data", _data]).Invoke();

        Assert.Equal(0, code);
        Assert.False(File.Exists(LastGood));
    }
}
