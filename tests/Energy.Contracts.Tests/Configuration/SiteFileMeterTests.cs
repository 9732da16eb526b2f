using Energy.Contracts.Configuration;
using Energy.Contracts.Sites;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>The site meter the cap is held against: <c>grid.meterSignal</c> and its margins.</summary>
public sealed class SiteFileMeterTests
{
    private const string Yaml = """
        site: { name: s, timeZone: UTC }
        grid:
          importCapKw: 100
          GRID
        pools:
          - { name: p, gpuModel: H100, count: 1, minPowerW: 200, idlePowerW: 80, maxPowerW: 700 }
        workloads:
          - { name: h, kind: heater }
        devices:
          - name: meter
            endpoint: 127.0.0.1:1502
            unitId: 1
            addressBase: 0
            pollPeriod: 500ms
            points:
              - { name: power, signal: SIGNAL, table: holding, address: 0, type: int32, scale: 0.01, unit: kW }
        signals:
          - { signal: grid.mqttImportKw, topic: meter/import, format: plain, unit: kW, maxAge: 20s }
        """;

    private static Site Load(string grid, string signal = "grid.meteredImportKw") =>
        SiteFile.Parse(Yaml.Replace("GRID", grid, StringComparison.Ordinal).Replace("SIGNAL", signal, StringComparison.Ordinal), "s.yaml").Site
        ?? throw new InvalidOperationException("the site did not load");

    [Fact]
    public void Parse_DefaultMeterSignalFedByADevice_MeterWithThreePollPeriodsAndDefaultMargins()
    {
        var meter = Load("baseLoadKw: 10").Grid.Meter;

        Assert.Equal(new GridMeter(GridMeter.DefaultSignal, TimeSpan.FromMilliseconds(1500), 0.02, 0.05), meter);
    }

    [Fact]
    public void Parse_NothingFeedsTheDefaultSignal_NoMeter()
    {
        Assert.Null(Load("baseLoadKw: 10", signal: "grid.otherKw").Grid.Meter);
    }

    [Fact]
    public void Parse_MeterSignalOverMqttWithMargins_ItsMaxAgeAndTheGivenMargins()
    {
        var meter = Load("meterSignal: grid.mqttImportKw\n  capMarginPercent: 5\n  meterLossMarginPercent: 10").Grid.Meter;

        Assert.Equal(new GridMeter("grid.mqttImportKw", TimeSpan.FromSeconds(20), 0.05, 0.10), meter);
    }

    [Fact]
    public void Parse_MeterSignalNone_NoMeterThoughTheDefaultIsFed()
    {
        Assert.Null(Load("meterSignal: none").Grid.Meter);
    }

    [Fact]
    public void Parse_StaleAfterGiven_TakesIt()
    {
        Assert.Equal(TimeSpan.FromSeconds(4), Load("meterStaleAfter: 4s").Grid.Meter!.StaleAfter);
    }

    [Fact]
    public void Parse_MeterSignalNothingFeeds_ErrorAtItsLineAndColumn()
    {
        var error = Assert.Single(SiteFile.Parse(Yaml.Replace("GRID", "meterSignal: grid.nowhereKw", StringComparison.Ordinal)
            .Replace("SIGNAL", "grid.meteredImportKw", StringComparison.Ordinal), "s.yaml").Errors);

        Assert.Equal(("grid.meterSignal", 4, 16), (error.Field, error.Line, error.Column));
        Assert.Contains("no device point or MQTT signal feeds 'grid.nowhereKw'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CapMarginOutOfRange_Error()
    {
        var error = Assert.Single(SiteFile.Parse(Yaml.Replace("GRID", "capMarginPercent: 80", StringComparison.Ordinal)
            .Replace("SIGNAL", "grid.meteredImportKw", StringComparison.Ordinal), "s.yaml").Errors);

        Assert.Equal("grid.capMarginPercent", error.Field);
    }

    [Fact]
    public void HoldBelow_WithAMeter_TheCapLessTheMargin()
    {
        var grid = Load("baseLoadKw: 10").Grid;

        Assert.Equal(98, grid.HoldBelow(grid.ImportCap).Kilowatts, precision: 9);
        Assert.Equal(100, (grid with { Meter = null }).HoldBelow(grid.ImportCap).Kilowatts, precision: 9);
    }
}
