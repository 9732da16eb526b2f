using Energy.Contracts.Units;
using Energy.Telemetry.Prices;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

public sealed class FilePriceSourceTests : IDisposable
{
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("heatgrid-prices-").FullName;
    private readonly CapturingLogger<FilePriceSource> _logger = new();

    public void Dispose() => Directory.Delete(_dataFolder, recursive: true);

    private FilePriceSource Source(PriceHistory history, LastGoodPriceStore? store = null) => new("day-ahead", history, _logger, store);

    [Fact]
    public async Task GetPricesAsync_AnswersTheContiguousKnownRun()
    {
        var source = Source(HistoryOf(Es));

        var curve = await source.GetPricesAsync(Utc(2024, 11, 29), Utc(2024, 12, 2), CancellationToken.None);

        Assert.Equal(Utc(2024, 11, 29, 23), curve.End);
    }

    [Fact]
    public void Import_Republication_NewerPricesWin()
    {
        var source = Source(HistoryOf(DeLu).Between(Utc(2024, 7, 1), Utc(2024, 7, 3)));
        var corrected = ReadCsv("timestamp_utc,price_eur_per_mwh\n2024-07-02T10:00:00Z,1.5\n2024-07-03T00:00:00Z,2.5\n", TimeSpan.FromHours(1));

        Assert.True(source.Import(corrected));

        Assert.Equal(EnergyPrice.EurPerMwh(1.5), source.History.PriceAt(Utc(2024, 7, 2, 10)));
        Assert.Equal(49, source.History.Count);
        Assert.Single(_logger.WithEventId(1400));
    }

    [Fact]
    public void Import_FailedImport_PricesHeldStayAndTheErrorIsLogged()
    {
        var held = HistoryOf(DeLu).Between(Utc(2024, 7, 1), Utc(2024, 7, 2));
        var source = Source(held);

        Assert.False(source.Import(ReadCsv("timestamp_utc,price_eur_per_mwh\n2024-07-02T10:00:00Z,oops\n")));

        Assert.Same(held, source.History);
        var entry = Assert.Single(_logger.WithEventId(1401));
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("test.csv:2: 'oops' is not a finite price", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_OtherCurrency_Rejected()
    {
        var source = Source(HistoryOf(DeLu));

        Assert.False(source.Import(ReadCsv("timestamp_utc,price_usd_per_mwh\n2025-01-01T00:00:00Z,3\n")));

        Assert.Equal(Currency.Eur, source.History.Currency);
        Assert.Single(_logger.WithEventId(1403));
    }

    [Fact]
    public void Import_QuarterHoursAfterHours_HeldHoursSplitSoBothMerge()
    {
        var source = Source(HistoryOf(DeLu).Between(Utc(2024, 12, 31), Utc(2025, 1, 1)));
        var quarters = ReadCsv("timestamp_utc,price_eur_per_mwh\n2025-01-01T00:00:00Z,1\n2025-01-01T00:15:00Z,2\n2025-01-01T00:30:00Z,3\n");

        Assert.True(source.Import(quarters));

        Assert.Equal(TimeSpan.FromMinutes(15), source.History.SlotLength);
        Assert.Equal(99, source.History.Curve(Utc(2024, 12, 31), Utc(2025, 1, 2)).Prices.Count);
        Assert.Single(_logger.WithEventId(1404));
    }

    [Fact]
    public void Import_Succeeded_SavedAsLastGood()
    {
        var store = new LastGoodPriceStore(_dataFolder, new FakeTimeProvider(Utc(2024, 7, 1, 12)), new CapturingLogger<LastGoodPriceStore>());
        var source = Source(PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), store);

        source.Import(CsvPriceReader.ReadFile(Shared(DeLu)));

        Assert.Equal(Utc(2024, 7, 1, 11), store.Load()!.First);   // the hour just ended is kept too
    }
}
