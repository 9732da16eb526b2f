using Energy.Telemetry.Prices;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

/// <summary>CSV import of the shared data → ENTSO-E A44 XML → read back: the same curve, every slot, every price.</summary>
public sealed class EntsoeRoundTripTests : IDisposable
{
    private static readonly DateTimeOffset Created = Utc(2025, 1, 2, 10);

    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-prices-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static PriceHistory RoundTrip(PriceHistory history, string zone)
    {
        var result = ReadXml(EntsoeDocumentWriter.ToXml(history, zone, Created));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.History;
    }

    private static void AssertSame(PriceHistory expected, PriceHistory actual)
    {
        Assert.Equal(expected.Currency, actual.Currency);
        Assert.Equal(expected.SlotLength, actual.SlotLength);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Slots, actual.Slots);
        Assert.Equal(expected.Gaps, actual.Gaps);
        Assert.Equal(
            expected.Curve(expected.First!.Value, expected.End!.Value).Prices,
            actual.Curve(actual.First!.Value, actual.End!.Value).Prices);
    }

    [Theory]
    [InlineData(DeLu, "10Y1001A1001A82H")]
    [InlineData(Se3, "10Y1001A1001A46L")]
    public void WriteThenRead_SharedYear_IdenticalSlotsAndPrices(string name, string zone)
    {
        var csv = HistoryOf(name);

        AssertSame(csv, RoundTrip(csv, zone));
    }

    [Fact]
    public void WriteThenRead_EsWithGaps_GapsStayGaps()
    {
        var csv = HistoryOf(Es);

        var back = RoundTrip(csv, "10YES-REE------0");

        AssertSame(csv, back);
        Assert.Equal(3, back.Gaps.Count);
    }

    [Fact]
    public void WriteThenRead_QuarterHours_IdenticalSlotsAndPrices()
    {
        var quarters = HistoryOf(DeLu).Between(Utc(2024, 3, 29), Utc(2024, 4, 2)).WithSlotLength(TimeSpan.FromMinutes(15));

        AssertSame(quarters, RoundTrip(quarters, "10Y1001A1001A82H"));
    }

    [Fact]
    public void WriteFile_ThenReadFile_UsesUtf8AndOnePeriodPerUtcDay()
    {
        var path = Path.Combine(_folder, "de-lu.xml");
        var week = HistoryOf(DeLu).Between(Utc(2024, 7, 1), Utc(2024, 7, 8));

        EntsoeDocumentWriter.WriteFile(path, week, "10Y1001A1001A82H", Created);

        var text = File.ReadAllText(path);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text, StringComparison.Ordinal);
        Assert.Equal(7, text.Split("<Period>").Length - 1);
        Assert.Contains("<curveType>A01</curveType>", text, StringComparison.Ordinal);
        AssertSame(week, EntsoePriceReader.ReadFile(path).History);
    }
}
