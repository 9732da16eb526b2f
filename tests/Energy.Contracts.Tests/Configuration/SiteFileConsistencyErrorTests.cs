using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>Fields that are each valid but contradict each other, and fields that are missing.</summary>
public class SiteFileConsistencyErrorTests
{
    private static SiteFileText Bathhouse => SiteFileText.Bathhouse();

    [Fact]
    public void Parse_MinPowerAboveMaxPower_ErrorAtMinPower()
    {
        var text = Bathhouse.ReplaceLine(33, "minPowerW: 200", "    minPowerW: 800");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 33, 16, "pools[0].minPowerW", "the minimum power (800 W) is above the maximum (700 W)");
    }

    [Fact]
    public void Parse_IdlePowerAboveMaxPower_ErrorAtIdlePower()
    {
        var text = Bathhouse.ReplaceLine(42, "idlePowerW: 35", "    idlePowerW: 400");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 42, 17, "pools[1].idlePowerW", "the idle power (400 W) is above the maximum (350 W)");
    }

    [Fact]
    public void Parse_SlaAboveContractedMaximum_ErrorAtSlaMinGpus()
    {
        var text = Bathhouse.ReplaceLine(77, "slaMinGpus: 96", "    slaMinGpus: 700");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 77, 17, "workloads[0].slaMinGpus", "the SLA minimum (700 GPUs) is above the contracted maximum (640 GPUs)");
    }

    [Fact]
    public void Parse_DemandWith23Values_ErrorAtTheList()
    {
        var text = Bathhouse.ReplaceLine(81, "470, 460", "                       470, 460, 450, 440, 420, 400, 380, 350, 300, 240, 180]");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 80, 23, "workloads[0].demandGpusByHour", "expected 24 values, one per local hour from 00:00, got 23");
    }

    [Fact]
    public void Parse_NegativeHourlyDemand_ErrorAtTheItem()
    {
        var text = Bathhouse.ReplaceLine(80, "demandGpusByHour: [120, 110", "    demandGpusByHour: [120, -110, 100, 100, 100, 110, 160, 240, 340, 420, 460, 480,");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 80, 29, "workloads[0].demandGpusByHour[1]", "between 0 and 100000, got -110");
    }

    [Fact]
    public void Parse_BaseLoadAtImportCap_ErrorAtBaseLoad()
    {
        var text = Bathhouse.ReplaceLine(25, "baseLoadKw: 60", "  baseLoadKw: 900");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 25, 15, "grid.baseLoadKw", "leaves nothing under the import cap");
    }

    [Fact]
    public void Parse_TankTemperaturesReversed_ErrorAtMaxTemperature()
    {
        var text = Bathhouse.ReplaceLine(60, "maxTemperatureC: 90", "      maxTemperatureC: 55");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 60, 24, "heatLoops[0].storage.maxTemperatureC", "must be above the lowest");
    }

    [Fact]
    public void Parse_InitialContentAboveTankCapacity_ErrorAtInitial()
    {
        var text = Bathhouse.ReplaceLine(62, "initialKwh: 700", "      initialKwh: 5000");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 62, 19, "heatLoops[0].storage.initialKwh", "must lie between the minimum");
    }

    [Fact]
    public void Parse_MissingRequiredField_ErrorAtTheParentMapping()
    {
        var text = Bathhouse.CommentOut(74, "tenant: Acme AI");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 72, 5, "workloads[0].tenant", "missing required field 'tenant'");
    }

    [Fact]
    public void Parse_MissingNestedField_ErrorAtTheNestedMapping()
    {
        var text = Bathhouse.CommentOut(54, "peakDemandKw: 750");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 53, 7, "heatLoops[0].consumer.peakDemandKw", "missing required field 'peakDemandKw'");
    }

    [Fact]
    public void Parse_MissingTopLevelSection_ErrorAtTheRoot()
    {
        var text = Bathhouse
            .CommentOut(23, "grid:")
            .CommentOut(24, "importCapKw")
            .CommentOut(25, "baseLoadKw")
            .CommentOut(26, "networkFeePerMwh")
            .CommentOut(27, "taxesPerMwh");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 18, 1, "grid", "missing required field 'grid'");
    }

    [Fact]
    public void Parse_SeveralMistakes_AllReportedInLineOrderAndNoSite()
    {
        var text = Bathhouse
            .ReplaceLine(77, "slaMinGpus: 96", "    slaMinGpus: 700")
            .ReplaceLine(20, "timeZone: Europe/Berlin", "  timeZone: Mars/Olympus")
            .ReplaceLine(40, "count: 256", "    count: lots")
            .ReplaceLine(24, "importCapKw: 900", "  importCapKw: -5")
            .ReplaceLine(36, "heatLoop: bath", "    heatLoop: bth");

        var result = SiteFileAssert.Parse(text);

        Assert.Null(result.Site);
        Assert.False(result.IsValid);
        Assert.Equal([20, 24, 36, 40, 77], result.Errors.Select(e => e.Line));
        Assert.Equal(["site.timeZone", "grid.importCapKw", "pools[0].heatLoop", "pools[1].count", "workloads[0].slaMinGpus"], result.Errors.Select(e => e.Field));
        Assert.All(result.Errors, e => Assert.Equal(SiteFileAssert.FileName, e.File));
    }
}
