using Energy.Scheduler.Plant;

namespace Energy.Scheduler.Tests.Books;

public sealed class LedgerDemoRegistersTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("demo-meters-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Load_AfterSave_RegistersGoOnFromWhereTheyWere()
    {
        var now = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        new DemoMeterRegisters(_folder).Save(new Dictionary<string, double> { ["bath.heatEnergyKwh"] = 1234.5, ["grid.importEnergyKwh"] = 99 }, now, force: true);

        var loaded = new DemoMeterRegisters(_folder).Load();
        Assert.Equal(1234.5, loaded["bath.heatEnergyKwh"]);
        Assert.Equal(99, loaded["grid.importEnergyKwh"]);
    }

    [Fact]
    public void Load_AfterSave_ExactlyTheValueShownNotARoundedOneThatWouldGoBack()
    {
        var shown = 11.993505123456789;      // what the meter showed once it was saved
        new DemoMeterRegisters(_folder).Save(new Dictionary<string, double> { ["bath.heatEnergyKwh"] = shown }, DateTimeOffset.UnixEpoch, force: true);

        Assert.Equal(shown, new DemoMeterRegisters(_folder).Load()["bath.heatEnergyKwh"]);
    }

    [Fact]
    public void Save_WithinFiveSeconds_KeepsTheLastSaveThenSavesAgain()
    {
        var now = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var registers = new DemoMeterRegisters(_folder);
        registers.Save(new Dictionary<string, double> { ["r"] = 1 }, now);
        registers.Save(new Dictionary<string, double> { ["r"] = 2 }, now.AddSeconds(4));
        Assert.Equal(1, new DemoMeterRegisters(_folder).Load()["r"]);
        registers.Save(new Dictionary<string, double> { ["r"] = 3 }, now.AddSeconds(5));
        Assert.Equal(3, new DemoMeterRegisters(_folder).Load()["r"]);
    }

    [Fact]
    public void Load_TornFile_StartsFromZeroInsteadOfAPlausibleWrongValue()
    {
        File.WriteAllText(Path.Combine(_folder, DemoMeterRegisters.FileName), "heatgrid-state v1 sha256=00\n{\"r\":5}");
        Assert.Empty(new DemoMeterRegisters(_folder).Load());
    }
}
