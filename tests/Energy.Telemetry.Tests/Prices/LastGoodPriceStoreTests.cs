using Energy.Telemetry.Prices;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

/// <summary>Writes under a fresh temp folder per test.</summary>
public sealed class LastGoodPriceStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = Utc(2024, 7, 10, 9, 30);

    private readonly string _dataFolder = Directory.CreateTempSubdirectory("heatgrid-prices-").FullName;
    private readonly CapturingLogger<LastGoodPriceStore> _logger = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly LastGoodPriceStore _store;

    public LastGoodPriceStoreTests() => _store = new LastGoodPriceStore(_dataFolder, _clock, _logger);

    public void Dispose() => Directory.Delete(_dataFolder, recursive: true);

    private static PriceHistory TwoDays() => HistoryOf(DeLu).Between(Utc(2024, 7, 10), Utc(2024, 7, 12));

    [Fact]
    public void Save_ThenLoad_TheFutureSlotsIncludingTheOneUnderWayAndTheOneJustEnded()
    {
        Assert.True(_store.Save(TwoDays()));

        var loaded = new LastGoodPriceStore(_dataFolder, _clock, new CapturingLogger<LastGoodPriceStore>()).Load();

        Assert.NotNull(loaded);
        Assert.Equal(TwoDays().Between(Now.AddHours(-1), DateTimeOffset.MaxValue).Slots, loaded.Slots);
        Assert.Equal(Utc(2024, 7, 10, 8), loaded.First);
        Assert.Equal(Utc(2024, 7, 12), loaded.End);
        Assert.Equal(Path.Combine(_dataFolder, "prices", "last-good.csv"), _store.FilePath);
        Assert.Equal(["last-good.csv"], Directory.GetFiles(Path.GetDirectoryName(_store.FilePath)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_Twice_TheSecondReplacesTheFirst()
    {
        _store.Save(TwoDays());
        _clock.Advance(TimeSpan.FromDays(1));

        _store.Save(TwoDays());

        Assert.Equal(Utc(2024, 7, 11, 8), _store.Load()!.First);
    }

    [Fact]
    public void Save_WrittenInTheSharedFormat()
    {
        _store.Save(TwoDays());

        var lines = File.ReadAllLines(_store.FilePath);
        Assert.Equal("timestamp_utc,price_eur_per_mwh", lines[0]);
        Assert.Matches(@"^2024-07-10T08:00:00Z,-?\d+(\.\d+)?$", lines[1]);
    }

    [Fact]
    public void Save_DownToTheLastQuarterHour_ReadsBackAsQuarterHours()
    {
        var quarters = TwoDays().WithSlotLength(TimeSpan.FromMinutes(15));
        _clock.SetUtcNow(Utc(2024, 7, 11, 23, 50));

        _store.Save(quarters);

        var loaded = _store.Load()!;
        Assert.Equal(TimeSpan.FromMinutes(15), loaded.SlotLength);
        Assert.Equal([Utc(2024, 7, 11, 23, 30), Utc(2024, 7, 11, 23, 45)], loaded.Slots.Select(s => s.Start));
    }

    [Fact]
    public void Load_NoFile_NullAndLogged()
    {
        Assert.Null(_store.Load());
        Assert.Single(_logger.WithEventId(1414));
    }

    [Fact]
    public void Load_CorruptFile_MovedAsideReportedAndNull()
    {
        _store.Save(TwoDays());
        File.AppendAllText(_store.FilePath, "2024-07-12T00:00:00Z,garbage\n2024-07-12T01:00");

        var loaded = _store.Load();

        Assert.Null(loaded);
        Assert.False(File.Exists(_store.FilePath));
        Assert.True(File.Exists(_store.CorruptFilePath));
        var entry = Assert.Single(_logger.WithEventId(1413));
        Assert.Equal(LogLevel.Critical, entry.Level);
        Assert.Contains("last-good.csv:", entry.Message, StringComparison.Ordinal);
        Assert.Contains("'garbage' is not a finite price", entry.Message, StringComparison.Ordinal);
        Assert.Null(_store.Load());
    }

    [Fact]
    public void Load_BinaryGarbage_MovedAsideNotThrown()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_store.FilePath)!);
        File.WriteAllBytes(_store.FilePath, [0xFF, 0x00, 0x13, 0x37, 0x0A, 0xC3]);

        Assert.Null(_store.Load());
        Assert.True(File.Exists(_store.CorruptFilePath));
    }

    [Fact]
    public void Save_FolderNotWritable_FalseAndLoggedOldFileKept()
    {
        _store.Save(TwoDays());
        var before = File.ReadAllText(_store.FilePath);
        Directory.CreateDirectory(_store.FilePath + ".tmp");   // the temp file's name is taken by a folder: the write fails

        Assert.False(_store.Save(HistoryOf(DeLu).Between(Utc(2024, 7, 20), Utc(2024, 7, 21))));

        Assert.Equal(before, File.ReadAllText(_store.FilePath));
        Assert.Single(_logger.WithEventId(1411));
    }
}
