using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Telemetry.Health;
using Energy.Telemetry.Prices;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

/// <summary>
/// The last good prices carry when each slot was published: a fresher file wins over them slot by slot, an older one
/// does not undo a later update; the file is checked as it is read, and one that does not pass is set aside and raised.
/// </summary>
public sealed class LastGoodPrecedenceTests : IDisposable
{
    private static readonly DateTimeOffset Now = Utc(2024, 7, 10, 9, 30);

    private readonly string _dataFolder = Directory.CreateTempSubdirectory("heatgrid-lastgood-").FullName;
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly CapturingLogger<LastGoodPriceStore> _storeLog = new();
    private readonly CapturingLogger<FilePriceSource> _sourceLog = new();
    private readonly Alarms _alarms;

    public LastGoodPrecedenceTests() => _alarms = new Alarms(_clock, new CapturingLogger<Alarms>());

    public void Dispose() => Directory.Delete(_dataFolder, recursive: true);

    private static Site Site() => new()
    {
        Name = "t",
        TimeZone = Berlin,
        Currency = Currency.Eur,
        Grid = new GridConnection(Power.FromKilowatts(900), Power.Zero, new GridTariff(EnergyPrice.EurPerMwh(0), EnergyPrice.EurPerMwh(0))),
        Pools = [],
        HeatLoops = [],
        Workloads = [],
        Policy = new Energy.Contracts.Policy.OperatorPolicy(Energy.Contracts.Policy.OperatorPolicy.DefaultShedOrder, null, null, TimeSpan.FromMinutes(15),
            Energy.Contracts.Policy.SafeState.Idle),
    };

    private LastGoodPriceStore Store() => new(_dataFolder, _clock, _storeLog, _alarms, Site());

    private FilePriceSource Source(PriceHistory held, LastGoodPriceStore store) =>
        new("day-ahead", held, _sourceLog, store, _alarms, _clock, Currency.Eur);

    private static PriceImportResult Doc(string csv, DateTimeOffset? published = null) =>
        new PriceImportResult("doc.csv", ReadCsv(csv, TimeSpan.FromHours(1)).History, []) { Published = published };

    private static string Hours(DateTimeOffset start, int count, double price) =>
        "timestamp_utc,price_eur_per_mwh\n" + string.Concat(Enumerable.Range(0, count).Select(h => $"{start.AddHours(h):yyyy-MM-ddTHH:mm:ssZ},{price}\n"));

    [Fact]
    public void Save_WritesWhenEachSlotWasPublished_AndLoadReadsItBack()
    {
        var store = Store();
        var source = Source(PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), store);

        Assert.True(source.Import(Doc(Hours(Utc(2024, 7, 10, 9), 10, 42), Utc(2024, 7, 9, 11))));

        var lines = File.ReadAllLines(store.FilePath);
        Assert.Equal("timestamp_utc,price_eur_per_mwh,published_utc", lines[0]);
        Assert.Equal("2024-07-10T09:00:00Z,42,2024-07-09T11:00:00Z", lines[1]);
        var loaded = Store().Load()!;
        Assert.All(loaded.Slots, s => Assert.Equal(Utc(2024, 7, 9, 11), s.Published));
    }

    [Fact]
    public void Restart_FreshFileWinsOverPoisonedLastGood_PerSlot()
    {
        // An update over MQTT (published when it came, 09:30) put 3999 into tomorrow; the operator writes a fresh file at 10:00 and restarts.
        var store = Store();
        Source(PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), store).Import(Doc(Hours(Utc(2024, 7, 10, 9), 20, 3999)));
        _clock.Advance(TimeSpan.FromMinutes(30));

        var restarted = Source(Store().Load()!, Store());
        Assert.True(restarted.Import(Doc(Hours(Utc(2024, 7, 10, 9), 10, 55), published: Utc(2024, 7, 10, 10))));

        Assert.Equal(EnergyPrice.EurPerMwh(55), restarted.History.PriceAt(Utc(2024, 7, 10, 12)));
        Assert.Equal(EnergyPrice.EurPerMwh(3999), restarted.History.PriceAt(Utc(2024, 7, 10, 20)));   // a slot the file does not hold stays
    }

    [Fact]
    public void Restart_OlderFile_DoesNotUndoALaterUpdate()
    {
        var store = Store();
        Source(PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), store).Import(Doc(Hours(Utc(2024, 7, 10, 9), 10, -7.5)));   // published 09:30

        var restarted = Source(Store().Load()!, Store());
        Assert.True(restarted.Import(Doc(Hours(Utc(2024, 7, 10, 0), 24, 60), published: Utc(2024, 7, 9, 12))));

        Assert.Equal(EnergyPrice.EurPerMwh(-7.5), restarted.History.PriceAt(Utc(2024, 7, 10, 12)));
        Assert.Equal(EnergyPrice.EurPerMwh(60), restarted.History.PriceAt(Utc(2024, 7, 10, 20)));
        Assert.Single(_sourceLog.WithEventId(1602));
    }

    [Fact]
    public void Import_PublishedInTheFuture_CountsAsNow()
    {
        var source = Source(PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), Store());

        source.Import(Doc(Hours(Utc(2024, 7, 10, 9), 2, 1), published: Utc(2099, 1, 1)));
        source.Import(Doc(Hours(Utc(2024, 7, 10, 9), 2, 2)));

        Assert.Equal(EnergyPrice.EurPerMwh(2), source.History.PriceAt(Utc(2024, 7, 10, 9)));
    }

    [Fact]
    public void Load_PublishedAfterNow_CountsAsNow_SoAFreshFileStillWins()
    {
        var store = Store();
        Directory.CreateDirectory(Path.GetDirectoryName(store.FilePath)!);
        File.WriteAllText(store.FilePath, "timestamp_utc,price_eur_per_mwh,published_utc\n2024-07-10T09:00:00Z,3999,2099-01-01T00:00:00Z\n2024-07-10T10:00:00Z,3999,\n");

        var loaded = store.Load()!;
        Assert.Equal([Now, null], loaded.Slots.Select(s => s.Published));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var source = Source(loaded, store);
        source.Import(Doc(Hours(Utc(2024, 7, 10, 9), 2, 55), published: Utc(2024, 7, 10, 9, 31)));

        Assert.Equal(EnergyPrice.EurPerMwh(55), source.History.PriceAt(Utc(2024, 7, 10, 9)));
        Assert.Equal(EnergyPrice.EurPerMwh(55), source.History.PriceAt(Utc(2024, 7, 10, 10)));
    }

    [Theory]
    [InlineData("2024-07-10T10:00:00Z,1000000000000,2024-07-10T09:00:00Z\n", "outside the market's clearing-price limits")]
    [InlineData("2057-01-01T00:00:00Z,50,2024-07-10T09:00:00Z\n", "beyond what the day-ahead market can have published")]
    [InlineData("2024-07-10T10:00:00Z,50,yesterday\n", "published_utc 'yesterday'")]
    public void Load_ImplausibleLastGood_SetAsideLoggedCriticalAndAlarmed(string poisoned, string reason)
    {
        var store = Store();
        Directory.CreateDirectory(Path.GetDirectoryName(store.FilePath)!);
        File.WriteAllText(store.FilePath, "timestamp_utc,price_eur_per_mwh,published_utc\n2024-07-10T09:00:00Z,50,2024-07-10T09:00:00Z\n" + poisoned);

        Assert.Null(store.Load());

        Assert.False(File.Exists(store.FilePath));
        Assert.True(File.Exists(store.CorruptFilePath));
        var entry = Assert.Single(_storeLog.WithEventId(1413));
        Assert.Equal(LogLevel.Critical, entry.Level);
        Assert.Contains(reason, entry.Message, StringComparison.Ordinal);
        var alarm = Assert.Single(_alarms.Current(), a => a.Key == LastGoodPriceStore.AlarmKey);
        Assert.Equal(AlarmSeverity.Critical, alarm.Severity);
        Assert.Contains(reason, alarm.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedMidRow_SetAsideNeverThrown()
    {
        var store = Store();
        Source(PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), store).Import(Doc(Hours(Utc(2024, 7, 10, 9), 10, 42)));
        var bytes = File.ReadAllBytes(store.FilePath);
        File.WriteAllBytes(store.FilePath, bytes[..(bytes.Length - 17)]);

        Assert.Null(store.Load());
        Assert.Contains(_alarms.Current(), a => a.Key == LastGoodPriceStore.AlarmKey);
    }

    [Fact]
    public void Import_Refused_LoggedWithItsLineAndAlarmed_PricesKept()
    {
        var source = Source(PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), Store());
        source.Import(Doc(Hours(Utc(2024, 7, 10, 9), 2, 42)));
        var bad = CsvPriceReader.Read(new StringReader(Hours(Utc(2024, 7, 10, 9), 3, 42).Replace(",42\n2024-07-10T11", ",1e12\n2024-07-10T11", StringComparison.Ordinal)),
            "mqtt:heatgrid/t/prices/day-ahead", rules: PriceImportRules.ForMqtt(PriceLimits.Sdac, Berlin, Now));

        Assert.False(source.Import(bad));

        var logged = Assert.Single(_sourceLog.WithEventId(1401));
        Assert.Contains("mqtt:heatgrid/t/prices/day-ahead:3:", logged.Message, StringComparison.Ordinal);
        Assert.Contains("outside the market's clearing-price limits", logged.Message, StringComparison.Ordinal);
        var alarm = Assert.Single(_alarms.Current(), a => a.Key == FilePriceSource.RefusedAlarmKey);
        Assert.Contains("mqtt:heatgrid/t/prices/day-ahead", alarm.Message, StringComparison.Ordinal);
        Assert.Equal(EnergyPrice.EurPerMwh(42), source.History.PriceAt(Utc(2024, 7, 10, 10)));
    }

    [Fact]
    public void Import_OtherCurrency_RefusedLoggedAndAlarmed()
    {
        var source = Source(PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), Store());

        Assert.False(source.Import(Doc(Hours(Utc(2024, 7, 10, 9), 2, 42).Replace("eur", "usd", StringComparison.Ordinal))));

        Assert.Single(_sourceLog.WithEventId(1601));
        Assert.Contains(_alarms.Current(), a => a.Key == FilePriceSource.RefusedAlarmKey);
        Assert.True(source.History.IsEmpty);
    }

    [Fact]
    public void Clear_RemovesTheFileAndTheOneSetAside()
    {
        var store = Store();
        Source(PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), store).Import(Doc(Hours(Utc(2024, 7, 10, 9), 2, 42)));
        File.WriteAllText(store.CorruptFilePath, "x");

        var removed = store.Clear();

        Assert.Equal([store.FilePath, store.CorruptFilePath], removed);
        Assert.False(File.Exists(store.FilePath));
        Assert.Null(store.Load());
        Assert.Empty(store.Clear());
    }
}
