using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>Values of the wrong type or out of range, each reported once at the value with the field's path.</summary>
public class SiteFileValueErrorTests
{
    private static SiteFileText Bathhouse => SiteFileText.Bathhouse();

    [Fact]
    public void Parse_WordWhereWholeNumberExpected_ErrorAtTheValue()
    {
        var text = Bathhouse.ReplaceLine(40, "count: 256", "    count: many");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 40, 12, "pools[1].count", "expected a whole number, got 'many'");
    }

    [Fact]
    public void Parse_QuotedNumber_ErrorSaysItIsQuotedText()
    {
        var text = Bathhouse.ReplaceLine(76, "pricePerGpuHour: 2.10", "    pricePerGpuHour: \"2.1\"");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 76, 22, "workloads[0].pricePerGpuHour", "got the quoted text '2.1'");
    }

    [Fact]
    public void Parse_DecimalWhereWholeNumberExpected_ErrorAtTheValue()
    {
        var text = Bathhouse.ReplaceLine(78, "maxGpus: 640", "    maxGpus: 640.5");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 78, 14, "workloads[0].maxGpus", "expected a whole number");
    }

    [Fact]
    public void Parse_ListWhereTextExpected_ErrorAtTheList()
    {
        var text = Bathhouse.ReplaceLine(74, "tenant: Acme AI", "    tenant: [Acme, AI]");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 74, 13, "workloads[0].tenant", "got a list");
    }

    [Fact]
    public void Parse_TextWhereMappingExpected_ErrorAtTheValue()
    {
        var text = Bathhouse
            .ReplaceLine(66, "boiler:", "    boiler: gas")
            .CommentOut(67, "capacityKw: 1200")
            .CommentOut(68, "efficiency: 0.92")
            .CommentOut(69, "fuelPricePerMwh: 52");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 66, 13, "heatLoops[0].boiler", "expected a mapping of fields, got 'gas'");
    }

    [Theory]
    [InlineData(24, "importCapKw: 900", "  importCapKw: -5", 16, "grid.importCapKw", "between 0.001 and 10000000, got -5")]
    [InlineData(64, "maxChargeKw: 500", "      maxChargeKw: -1", 20, "heatLoops[0].storage.maxChargeKw", "between 0 and 10000000, got -1")]
    [InlineData(65, "maxDischargeKw: 500", "      maxDischargeKw: -0.5", 23, "heatLoops[0].storage.maxDischargeKw", "got -0.5")]
    [InlineData(49, "maxAbsorptionKw: 650", "    maxAbsorptionKw: -650", 22, "heatLoops[0].maxAbsorptionKw", "between 0 and 10000000")]
    [InlineData(48, "captureFraction: 0.85", "    captureFraction: 1.5", 22, "heatLoops[0].captureFraction", "between 0 and 1")]
    [InlineData(78, "maxGpus: 640", "    maxGpus: 0", 14, "workloads[0].maxGpus", "between 1 and 100000, got 0")]
    [InlineData(43, "maxPowerW: 350", "    maxPowerW: -350", 16, "pools[1].maxPowerW", "between 1 and 10000")]
    [InlineData(40, "count: 256", "    count: -3", 12, "pools[1].count", "between 1 and 100000, got -3")]
    public void Parse_NegativeOrOutOfRangeValue_ErrorAtTheValue(int line, string original, string replacement, int column, string field, string message)
    {
        var text = Bathhouse.ReplaceLine(line, original, replacement);

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), line, column, field, message);
    }

    [Fact]
    public void Parse_NegativeTankCapacity_ErrorAtTheValue()
    {
        var text = Bathhouse
            .ReplaceLine(58, "volumeLitres: 40000", "      capacityKwh: -1")
            .CommentOut(59, "minTemperatureC: 60")
            .CommentOut(60, "maxTemperatureC: 90");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 58, 20, "heatLoops[0].storage.capacityKwh", "of at least 0.001, got -1");
    }

    [Fact]
    public void Parse_UnknownTimeZone_ErrorAtTheValueSuggestsIanaName()
    {
        var text = Bathhouse.ReplaceLine(20, "timeZone: Europe/Berlin", "  timeZone: Europe/Berlim");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 20, 13, "site.timeZone", "unknown time zone 'Europe/Berlim'");
    }

    [Fact]
    public void Parse_BadCurrencyCode_ErrorAtTheValue()
    {
        var text = Bathhouse.ReplaceLine(21, "currency: EUR", "  currency: euro");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 21, 13, "site.currency", "three-letter currency code");
    }

    [Fact]
    public void Parse_UnknownChoice_ErrorListsTheChoices()
    {
        var text = Bathhouse.ReplaceLine(96, "safeState: idle", "  safeState: off");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 96, 14, "policy.safeState", "expected one of idle, minimumPower");
    }

    [Fact]
    public void Parse_BadDuration_ErrorAtTheValue()
    {
        var text = Bathhouse.ReplaceLine(95, "minDwell: 15m", "  minDwell: 15 fortnights");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 95, 13, "policy.minDwell", "expected a duration");
    }

    [Fact]
    public void Parse_InvalidCountOfPoolWithSlaWorkload_OnlyTheCountError()
    {
        var text = Bathhouse.ReplaceLine(32, "count: 1024", "    count: -3");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 32, 12, "pools[0].count", "between 1 and 100000");
    }
}
