using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>Keys nobody reads are errors at the key, with a suggestion for a near miss.</summary>
public class SiteFileUnknownFieldTests
{
    private static SiteFileText Bathhouse => SiteFileText.Bathhouse();

    [Fact]
    public void Parse_UnknownTopLevelKey_ErrorListsKnownSections()
    {
        var text = Bathhouse.Append("colour: red");

        var error = SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 161, 1, "colour", "unknown field 'colour'");
        Assert.Contains("known fields here:", error.Message, StringComparison.Ordinal);
        Assert.Contains("heatLoops", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NearMissInGrid_SuggestsTheKnownField()
    {
        var text = Bathhouse.ReplaceLine(25, "baseLoadKw: 60", "  basLoadKw: 60");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 25, 3, "grid.basLoadKw", "unknown field 'basLoadKw'; did you mean 'baseLoadKw'?");
    }

    [Fact]
    public void Parse_NearMissNestedTwoLevels_SuggestsWithFullPath()
    {
        var text = Bathhouse.ReplaceLine(55, "supplyTemperatureC: 70", "      supplyTemperatureK: 70");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 55, 7, "heatLoops[0].consumer.supplyTemperatureK", "did you mean 'supplyTemperatureC'?");
    }

    [Fact]
    public void Parse_UnknownKeyInSecondListItem_PathHasTheIndex()
    {
        var text = Bathhouse.ReplaceLine(44, "coolingOverhead: 0.30", "    fanSpeed: 0.30");

        var error = SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 44, 5, "pools[1].fanSpeed", "unknown field 'fanSpeed'");
        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CaseSlip_SuggestsTheProperlyCasedField()
    {
        var text = Bathhouse.ReplaceLine(27, "taxesPerMwh: 15", "  TaxesPerMWh: 15");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 27, 3, "grid.TaxesPerMWh", "did you mean 'taxesPerMwh'?");
    }

    [Theory]
    [InlineData("mqtt:")]
    public void Parse_SectionOwnedByAnotherReader_IsNotAnUnknownField(string section)
    {
        var text = Bathhouse.Append(section, "  anything: goes");

        SiteFileAssert.Valid(SiteFileAssert.Parse(text));
    }

    [Fact]
    public void Parse_UnknownKeysInSeveralSections_AllReportedInLineOrder()
    {
        var text = Bathhouse
            .ReplaceLine(25, "baseLoadKw: 60", "  basLoadKw: 60")
            .ReplaceLine(44, "coolingOverhead: 0.30", "    fanSpeed: 0.30")
            .ReplaceLine(84, "unit: ticket", "    units: ticket");

        var result = SiteFileAssert.Parse(text);

        Assert.Null(result.Site);
        // The renamed key is both unknown (at the key) and missing (at its mapping, line 82).
        Assert.Equal([25, 44, 82, 84], result.Errors.Select(e => e.Line));
        Assert.Equal(["grid.basLoadKw", "pools[1].fanSpeed", "workloads[1].unit", "workloads[1].units"], result.Errors.Select(e => e.Field));
    }
}
