using Energy.Contracts.Units;
using Energy.Scheduler.Planning.Forecasting;
using Energy.TestSupport.Logging;

namespace Energy.Scheduler.Tests.Planning.Forecasting;

public sealed class DemandHistoryTests : IDisposable
{
    private const string Demand = "bath.heatDemandKw";
    private const string Outdoor = "grid.outdoorTemperatureC";
    private static readonly DateTimeOffset Slot0 = new(2024, 2, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-history-").FullName;
    private readonly CapturingLogger<DemandHistoryStore> _logger = new();

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void Sample_HalfTheSlotGood_IsTheMeanOfTheGoodSamples()
    {
        var history = New();
        var good = 0;
        for (var s = 0; s < 900; s++)
        {
            history.Sample(Slot0.AddSeconds(s), signal => signal == Demand && s % 2 == 0 ? 100 + (good++ % 2 == 0 ? 0 : 20) : null);
        }

        Assert.Equal(Slot0, history.Sample(Slot0.AddMinutes(15), _ => null));
        Assert.Equal(110, history.Mean(Demand, Slot0));
        Assert.Null(history.Mean(Outdoor, Slot0));
    }

    [Fact]
    public void Sample_UnderHalfTheSlotGood_StaysUnknown()
    {
        var history = New();
        for (var s = 0; s < 900; s++)
        {
            history.Sample(Slot0.AddSeconds(s), _ => s < 449 ? 300 : null);
        }

        history.Sample(Slot0.AddMinutes(15), _ => null);

        Assert.Null(history.Mean(Demand, Slot0));
        Assert.Equal(450, history.MinGoodSamples);
    }

    [Fact]
    public void Window_UnknownSlotsAreNaNAndOldSlotsArePruned()
    {
        var history = New();
        history.Restore(Demand, Slot0, 250, Slot0);
        history.Restore(Demand, Slot0.AddMinutes(30), 260, Slot0);

        var window = history.Window(Demand, Slot0, 3);
        Assert.Equal(250, window[0]);
        Assert.True(double.IsNaN(window[1]));
        Assert.Equal(260, window[2]);

        history.Sample(Slot0.AddDays(15).AddMinutes(20), _ => null);
        history.Sample(Slot0.AddDays(15).AddMinutes(35), _ => null);
        Assert.Null(history.Mean(Demand, Slot0));
        Assert.Equal(260, history.Mean(Demand, Slot0.AddMinutes(30)));
    }

    [Fact]
    public void Store_SaveAndLoad_RoundTripsEveryKnownSlot()
    {
        var history = New();
        history.Restore(Demand, Slot0, 412.3456, Slot0);
        history.Restore(Outdoor, Slot0, -3.25, Slot0);
        history.Restore(Demand, Slot0.AddMinutes(15), 398, Slot0);
        var store = new DemandHistoryStore(_data, _logger);

        Assert.True(store.Save(history));
        var again = New();
        store.Load(again, Slot0.AddMinutes(20));

        Assert.Equal(412.3456, again.Mean(Demand, Slot0));
        Assert.Equal(-3.25, again.Mean(Outdoor, Slot0));
        Assert.Equal(398, again.Mean(Demand, Slot0.AddMinutes(15)));
        Assert.Null(again.Mean(Outdoor, Slot0.AddMinutes(15)));
        Assert.False(File.Exists(store.FilePath + ".tmp"));
        Assert.StartsWith("timestamp_utc,bath.heatDemandKw,grid.outdoorTemperatureC\n2024-02-01T10:00:00Z,412.3456,-3.25\n", File.ReadAllText(store.FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void Store_BrokenFile_MovedAsideLoggedAndStartsEmpty()
    {
        var store = new DemandHistoryStore(_data, _logger);
        File.WriteAllText(store.FilePath, "timestamp_utc,bath.heatDemandKw\n2024-02-01T10:00:00Z,412\n2024-02-01T10:15:00Z,lots\n");

        var history = New();
        store.Load(history, Slot0);

        Assert.Equal(0, history.KnownSlots);
        Assert.False(File.Exists(store.FilePath));
        Assert.True(File.Exists(store.BrokenFilePath));
        var warning = Assert.Single(_logger.WithEventId(3202));
        Assert.Contains("line 3: 'lots' in column bath.heatDemandKw is not a number", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_MisalignedTimestamp_IsBroken()
    {
        var store = new DemandHistoryStore(_data, _logger);
        File.WriteAllText(store.FilePath, "timestamp_utc,bath.heatDemandKw\n2024-02-01T10:07:00Z,412\n");

        store.Load(New(), Slot0);

        Assert.True(File.Exists(store.BrokenFilePath));
    }

    [Fact]
    public void Store_MissingFile_EmptyHistoryNothingLogged()
    {
        var history = New();
        new DemandHistoryStore(_data, _logger).Load(history, Slot0);

        Assert.Equal(0, history.KnownSlots);
        Assert.Empty(_logger.Entries);
    }

    private static DemandHistory New() => new([Demand, Outdoor], TimeSpan.FromSeconds(1));
}
