using Energy.Contracts.Units;
using Energy.Telemetry.Prices;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

public class CsvPriceReaderTests
{
    private const string Header = "timestamp_utc,price_eur_per_mwh\n";

    private static string Issues(PriceImportResult result) => string.Join("\n", result.Issues);

    [Fact]
    public void Read_NegativeAndZeroPrices_AreOrdinaryPrices()
    {
        var result = ReadCsv(Header + "2024-01-01T00:00:00Z,-135.45\n2024-01-01T01:00:00Z,0.0\n2024-01-01T02:00:00Z,1e2\n");

        Assert.True(result.Succeeded, Issues(result));
        Assert.Empty(result.Issues);
        Assert.Equal([-135.45, 0, 100], result.History.Slots.Select(s => s.Price.PerMegawattHour));
    }

    [Theory]
    [InlineData("2024-01-01T01:00:00Z,NaN", "'NaN' is not a finite price")]
    [InlineData("2024-01-01T01:00:00Z,Infinity", "'Infinity' is not a finite price")]
    [InlineData("2024-01-01T01:00:00Z,12,5", "3 cells, but the header has 2")]
    [InlineData("2024-01-01T01:00:00Z", "1 cells, but the header has 2")]
    [InlineData("2024-13-01T01:00:00Z,12.5", "'2024-13-01T01:00:00Z' is not an ISO-8601 UTC timestamp")]
    [InlineData("yesterday,12.5", "'yesterday' is not an ISO-8601 UTC timestamp")]
    [InlineData("2024-01-01T01:00:00Z,12.5 EUR", "'12.5 EUR' is not a finite price")]
    public void Read_MalformedLine_LineNumberedErrorAndTheLineIsNotUsed(string line, string message)
    {
        var result = ReadCsv(Header + "2024-01-01T00:00:00Z,10\n" + line + "\n2024-01-01T02:00:00Z,30\n2024-01-01T03:00:00Z,40\n2024-01-01T04:00:00Z,50\n");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.StartsWith("test.csv:3: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Null(result.History.PriceAt(Utc(2024, 1, 1, 1)));
    }

    [Fact]
    public void Read_ManyBadLines_EachReportedUpToTheCapThenCounted()
    {
        var lines = string.Concat(Enumerable.Range(0, 150).Select(i => $"2024-01-01T00:00:00Z,x{i}\n"));

        var result = ReadCsv(Header + lines);

        Assert.Equal(PriceIssueCollector.ListedPerSeverity + 1, result.Errors.Count);
        Assert.Equal("test.csv: … and 50 more errors", result.Errors[^1].ToString());
    }

    [Fact]
    public void Read_EmptyPriceCell_IsAGapWithAWarning()
    {
        var result = ReadCsv(Header + "2024-01-01T00:00:00Z,10\n2024-01-01T01:00:00Z,\n2024-01-01T02:00:00Z,30\n");

        Assert.True(result.Succeeded, Issues(result));
        Assert.Equal(2, result.History.Count);
        Assert.Equal([new PriceGap(Utc(2024, 1, 1, 1), Utc(2024, 1, 1, 2), 1)], result.History.Gaps);
        Assert.Contains(result.Warnings, w => w.Line == 3 && w.Message.Contains("no price", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Line == 4 && w.Message.Contains("1 slots missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DuplicateAndConflictingRows_AreErrorsAndTheFirstStays()
    {
        var result = ReadCsv(Header + "2024-01-01T00:00:00Z,10\n2024-01-01T01:00:00Z,20\n2024-01-01T01:00:00Z,20\n2024-01-01T00:00:00Z,11\n");

        Assert.Equal(2, result.Errors.Count);
        Assert.Equal(4, result.Errors[0].Line);
        Assert.Contains("duplicate slot 2024-01-01T01:00Z", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(5, result.Errors[1].Line);
        Assert.Contains("conflicting prices for slot 2024-01-01T00:00Z: 10 and 11", result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Equal(EnergyPrice.EurPerMwh(10), result.History.PriceAt(Utc(2024, 1, 1)));
    }

    [Fact]
    public void Read_RowsOutOfOrder_SortedWithoutComplaint()
    {
        var result = ReadCsv(Header + "2024-01-01T02:00:00Z,30\n2024-01-01T00:00:00Z,10\n2024-01-01T01:00:00Z,20\n");

        Assert.Empty(result.Issues);
        Assert.Equal([10.0, 20, 30], result.History.Curve(Utc(2024, 1, 1), Utc(2024, 1, 2)).Prices.Select(p => p.PerMegawattHour));
    }

    [Fact]
    public void Read_RowBetweenSlotStarts_Error()
    {
        var result = ReadCsv(Header + "2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00Z,2\n2024-01-01T02:00:00Z,3\n2024-01-01T03:30:00Z,4\n");

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Line == 5 && e.Message.Contains("not the start of a 60-minute slot", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_HourlyRowsInsideQuarterHourlyData_MixedResolutionsError()
    {
        var quarters = string.Concat(Enumerable.Range(0, 12).Select(i => $"{Utc(2024, 1, 1).AddMinutes(15 * i):yyyy-MM-dd'T'HH:mm:ss'Z'},{i}\n"));
        var hours = string.Concat(Enumerable.Range(3, 4).Select(h => $"{Utc(2024, 1, 1, h):yyyy-MM-dd'T'HH:mm:ss'Z'},{h}\n"));

        var result = ReadCsv(Header + quarters + hours);

        Assert.Equal(TimeSpan.FromMinutes(15), result.History.SlotLength);
        var error = Assert.Single(result.Errors);
        Assert.Equal(16, error.Line);
        Assert.Contains("rows every 60 minutes from line 14 in 15-minute data: mixed resolutions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OddModalStep_Error()
    {
        var result = ReadCsv(Header + "2024-01-01T00:00:00Z,1\n2024-01-01T00:05:00Z,2\n2024-01-01T00:10:00Z,3\n");

        Assert.Contains("the most common step between rows is 5 minutes", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
        Assert.True(result.History.IsEmpty);
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("time,price_eur_per_mwh\n", "the first column is 'time'; expected 'timestamp_utc'")]
    [InlineData("timestamp_utc,price\n", "no price column")]
    [InlineData("timestamp_utc,price_eur_per_mwh,price_usd_per_mwh\n", "2 price columns")]
    public void Read_BadHeader_ErrorOnLine1(string text, string message)
    {
        var error = Assert.Single(ReadCsv(text).Errors);

        Assert.Equal(1, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CurrencyFromColumnNameAndOtherColumnsIgnored()
    {
        var result = ReadCsv("\uFEFFtimestamp_utc,zone,price_sek_per_mwh\n2023-01-01T00:00:00Z,SE3,250.5\n2023-01-01T01:00:00Z,SE3,240\n");

        Assert.True(result.Succeeded, Issues(result));
        Assert.Equal(Currency.Parse("SEK"), result.History.Currency);
        Assert.Equal(EnergyPrice.PerMwh(250.5, Currency.Parse("SEK")), result.History.PriceAt(Utc(2023, 1, 1)));
    }

    [Fact]
    public void Read_OtherIsoForms_ReadAsTheSameInstant()
    {
        var result = ReadCsv(Header + "2024-01-01T01:00+01:00,10\n2024-01-01T01:00:00.000Z,20\n");

        Assert.True(result.Succeeded, Issues(result));
        Assert.Equal(Utc(2024, 1, 1), result.History.First);
        Assert.Equal(2, result.History.Count);
    }

    [Fact]
    public void Read_SingleRow_SlotLengthTakenAs60MinutesWithAWarning()
    {
        var result = ReadCsv(Header + "2024-01-01T00:00:00Z,10\n");

        Assert.True(result.Succeeded);
        Assert.Equal(TimeSpan.FromHours(1), result.History.SlotLength);
        Assert.Contains("cannot be inferred", Assert.Single(result.Warnings).Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(15), ReadCsv(Header + "2024-01-01T00:00:00Z,10\n", TimeSpan.FromMinutes(15)).History.SlotLength);
    }

    [Fact]
    public void ReadFile_MissingFile_ErrorNotException()
    {
        var path = Path.Combine(Path.GetTempPath(), $"heatgrid-missing-{Guid.NewGuid():N}.csv");

        var result = CsvPriceReader.ReadFile(path);

        Assert.False(result.Succeeded);
        Assert.StartsWith($"{path}: cannot read the file", result.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ThenRead_SameSlotsAndPrices()
    {
        var history = ReadCsv(Header + "2024-01-01T00:00:00Z,0.1\n2024-01-01T01:00:00Z,-0.3\n2024-01-01T03:00:00Z,1234.56789\n").History;

        var again = ReadCsv(CsvPriceWriter.ToCsv(history)).History;

        Assert.Equal(history.Slots, again.Slots);
        Assert.Equal(history.Gaps, again.Gaps);
    }
}
