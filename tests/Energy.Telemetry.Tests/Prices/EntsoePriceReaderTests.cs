using Energy.Contracts.Units;
using Energy.Telemetry.Prices;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

/// <summary>The hand-written documents in Fixtures/ and small inline ones for each rule of the A44 format.</summary>
public class EntsoePriceReaderTests
{
    private static PriceImportResult ReadFixture(string name, int? sequence = null) =>
        EntsoePriceReader.ReadFile(Fixture(name), classificationSequence: sequence);

    private static double[] Values(PriceHistory history) => history.Slots.Select(s => s.Price.PerMegawattHour).ToArray();

    /// <summary>A one-Period A44 document.</summary>
    private static string Document(string points, string resolution = "PT60M", string curveType = "A01", string start = "2024-01-14T23:00Z", string end = "2024-01-15T23:00Z") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <Publication_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3">
          <type>A44</type>
          <TimeSeries>
            <currency_Unit.name>EUR</currency_Unit.name>
            <price_Measure_Unit.name>MWH</price_Measure_Unit.name>
            <curveType>{curveType}</curveType>
            <Period>
              <timeInterval><start>{start}</start><end>{end}</end></timeInterval>
              <resolution>{resolution}</resolution>
        {points}
            </Period>
          </TimeSeries>
        </Publication_MarketDocument>
        """;

    private static string Points(params (int Position, string Price)[] points) =>
        string.Concat(points.Select(p => $"      <Point><position>{p.Position}</position><price.amount>{p.Price}</price.amount></Point>\n"));

    [Fact]
    public void ReadFile_QuarterHourDay_96SlotsOfTheLocalDay()
    {
        var result = ReadFixture("entsoe_a44_pt15m_2025-10-02.xml");

        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        Assert.Empty(result.Issues);
        var history = result.History;
        Assert.Equal(TimeSpan.FromMinutes(15), history.SlotLength);
        Assert.Equal(96, history.Count);
        Assert.Equal(96, history.SlotsOfLocalDay(new DateOnly(2025, 10, 2), Berlin));
        Assert.Equal(Utc(2025, 10, 1, 22), history.First);
        Assert.Equal(EnergyPrice.EurPerMwh(57.44), history.Slots[0].Price);
        Assert.Equal(EnergyPrice.EurPerMwh(65.61), history.Slots[95].Price);
    }

    [Fact]
    public void ReadFile_A03CompressedPositions_RepeatThePreviousPointToTheIntervalEnd()
    {
        var result = ReadFixture("entsoe_a44_a03_compressed.xml");

        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        Assert.Empty(result.History.Gaps);
        Assert.Equal(24, result.History.Count);
        Assert.Equal(
            [61.5, 55.02, 50.1, 50.1, 50.1, 50.1, 48.0, 12.34, 12.34, 12.34, 12.34, -4.99,
             -20.0, -20.0, -20.0, -20.0, 35.7, 35.7, 35.7, 99.99, 99.99, 99.99, 99.99, 99.99],
            Values(result.History));
    }

    [Fact]
    public void ReadFile_SpringDstDay_23HoursMatchingTheSharedCsv()
    {
        var result = ReadFixture("entsoe_a44_dst_spring_2024-03-31.xml");

        var history = result.History;
        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        Assert.Equal(TimeSpan.FromHours(1), history.SlotLength);
        Assert.Equal(23, history.Count);
        Assert.Equal(23, history.SlotsOfLocalDay(new DateOnly(2024, 3, 31), Berlin));
        Assert.Equal(HistoryOf(DeLu).Between(history.First!.Value, history.End!.Value).Slots, history.Slots);

        // Sequence 2 covers the same hours; reading both would be a conflict in every slot.
        Assert.Contains("several classification sequences (1, 2); read 1", Assert.Single(result.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_SpringDstDayQuarterHours_92SlotsAveragingToTheHour()
    {
        var result = ReadFixture("entsoe_a44_dst_spring_2024-03-31.xml", sequence: 2);

        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        var quarters = result.History;
        Assert.Equal(92, quarters.Count);
        Assert.Equal(92, quarters.SlotsOfLocalDay(new DateOnly(2024, 3, 31), Berlin));
        var hours = HistoryOf(DeLu);
        Assert.All(quarters.Slots.Chunk(4), hour =>
            Assert.Equal(hours.PriceAt(hour[0].Start)!.Value.PerMegawattHour, hour.Average(s => s.Price.PerMegawattHour), 9));
    }

    [Fact]
    public void ReadFile_AutumnDstDayInThe70Namespace_25HoursMatchingTheSharedCsv()
    {
        var result = ReadFixture("entsoe_a44_dst_autumn_2024-10-27.xml");

        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        Assert.Equal(25, result.History.SlotsOfLocalDay(new DateOnly(2024, 10, 27), Berlin));
        Assert.Equal(HistoryOf(DeLu).Between(Utc(2024, 10, 26, 22), Utc(2024, 10, 27, 23)).Slots, result.History.Slots);
    }

    [Fact]
    public void ReadFile_A01MissingPositions_AreGaps()
    {
        var result = ReadFixture("entsoe_a44_a01_missing_positions.xml");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(21, result.History.Count);
        Assert.Equal(
            [new PriceGap(Utc(2024, 1, 15, 3), Utc(2024, 1, 15, 4), 1), new PriceGap(Utc(2024, 1, 15, 15), Utc(2024, 1, 15, 17), 2)],
            result.History.Gaps);
        Assert.Equal(2, result.Warnings.Count);
        Assert.Equal(4, result.History.Curve(Utc(2024, 1, 14, 23), Utc(2024, 1, 16)).Prices.Count);
    }

    [Fact]
    public void Read_PositionBeyondTheInterval_Error()
    {
        var result = ReadXml(Document(Points((1, "10"), (25, "11"))));

        var error = Assert.Single(result.Errors);
        Assert.Contains("position 25 is beyond the 24 PT60M slots of 2024-01-14T23:00Z..2024-01-15T23:00Z", error.Message, StringComparison.Ordinal);
        Assert.Equal(12, error.Line);
    }

    [Theory]
    [InlineData("<Point><position>0</position><price.amount>1</price.amount></Point>", "position '0' is not a position from 1")]
    [InlineData("<Point><position>2</position><price.amount>NaN</price.amount></Point>", "price.amount 'NaN' is not a finite price")]
    [InlineData("<Point><position>2</position></Point>", "price.amount '' is not a finite price")]
    [InlineData("<Point><position>1</position><price.amount>3</price.amount></Point>", "position 1 appears twice")]
    public void Read_BadPoint_LineNumberedError(string point, string message)
    {
        var result = ReadXml(Document(Points((1, "10")) + "      " + point));

        var error = Assert.Single(result.Errors);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(12, error.Line);
        Assert.StartsWith("test.xml:12: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_A03WithoutPosition1_Error()
    {
        var result = ReadXml(Document(Points((3, "10")), curveType: "A03"));

        Assert.Contains("without a point at position 1", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(22, result.History.Count);
    }

    [Fact]
    public void Read_NoCurveType_OmittedPositionIsAGap()
    {
        var result = ReadXml(Document(Points((1, "10"), (3, "12"))).Replace("<curveType>A01</curveType>", "", StringComparison.Ordinal));

        Assert.True(result.Succeeded);
        Assert.Equal([new PriceGap(Utc(2024, 1, 15, 0), Utc(2024, 1, 15, 1), 1)], result.History.Gaps);
    }

    [Theory]
    [InlineData("PT60M", "2024-01-15T00:30Z", "is not a whole number of PT60M slots")]
    [InlineData("P1D", "2024-01-15T23:00Z", "resolution 'P1D' is not a day-ahead market time unit")]
    [InlineData("PT60M", "yesterday", "Period without a valid timeInterval")]
    public void Read_BadPeriod_Error(string resolution, string end, string message)
    {
        var result = ReadXml(Document(Points((1, "10")), resolution: resolution, end: end));

        Assert.Contains(message, Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Pt30M_ReadsInto30MinuteSlots()
    {
        var result = ReadXml(Document(Points((1, "10"), (2, "11"), (48, "12")), resolution: "PT30M"));

        Assert.Equal(TimeSpan.FromMinutes(30), result.History.SlotLength);
        Assert.Equal(Utc(2024, 1, 15, 22, 30), result.History.Slots[^1].Start);
    }

    [Fact]
    public void Read_Acknowledgement_ErrorWithTheReason()
    {
        const string Ack = """
            <Acknowledgement_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-1:acknowledgementdocument:7:0">
              <Reason><code>999</code><text>No matching data found for Data item Day-ahead Prices</text></Reason>
            </Acknowledgement_MarketDocument>
            """;

        var error = Assert.Single(ReadXml(Ack).Errors);

        Assert.Contains("999 No matching data found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OtherDocumentType_Error()
    {
        var result = ReadXml(Document(Points((1, "10"))).Replace("<type>A44</type>", "<type>A65</type>", StringComparison.Ordinal));

        Assert.Contains("document type 'A65'; expected A44", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BrokenXml_ErrorWithItsLine()
    {
        var result = ReadXml(Document(Points((1, "10"))).Replace("</TimeSeries>", "</Series>", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Contains("not well-formed XML", error.Message, StringComparison.Ordinal);
        Assert.Equal(14, error.Line);
    }

    [Fact]
    public void Read_PricePerKwh_ErrorNotAThousandfoldPrice()
    {
        var result = ReadXml(Document(Points((1, "0.1"))).Replace(">MWH<", ">KWH<", StringComparison.Ordinal));

        Assert.Contains("expected MWH", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AskedForMissingSequence_Error()
    {
        var result = ReadXml(Document(Points((1, "10"))), sequence: 2);

        Assert.Contains("no TimeSeries of classification sequence 2", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_MissingFile_ErrorNotException()
    {
        var result = EntsoePriceReader.ReadFile(Fixture("no-such-document.xml"));

        Assert.Contains("cannot read the file", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }
}
