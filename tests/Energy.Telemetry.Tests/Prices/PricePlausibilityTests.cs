using System.Globalization;
using System.Text;
using Energy.Contracts.Prices;
using Energy.Telemetry.Prices;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

/// <summary>
/// Day-ahead documents a market cannot have produced are refused whole, with the offending line: prices
/// outside the clearing-price limits, slots beyond the end of tomorrow (market time), too many rows or
/// bytes. History of any age still loads.
/// </summary>
public sealed class PricePlausibilityTests : IDisposable
{
    /// <summary>Import time: 2024-07-10 11:30 Berlin; tomorrow (11 July) ends at 2024-07-11T22:00Z.</summary>
    private static readonly DateTimeOffset Now = Utc(2024, 7, 10, 9, 30);

    private static readonly PriceImportRules Live = PriceImportRules.ForFiles(PriceLimits.Sdac, Berlin, Now);

    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-plausible-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Csv(DateTimeOffset start, int hours, Func<int, string> price)
    {
        var sb = new StringBuilder("timestamp_utc,price_eur_per_mwh\n");
        for (var h = 0; h < hours; h++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{start.AddHours(h):yyyy-MM-ddTHH:mm:ssZ},{price(h)}\n");
        }

        return sb.ToString();
    }

    private static PriceImportResult Read(string csv, PriceImportRules rules) => CsvPriceReader.Read(new StringReader(csv), "doc.csv", rules: rules);

    [Fact]
    public void HorizonEnd_IsTheEndOfTomorrowMarketLocal()
    {
        Assert.Equal(Utc(2024, 7, 11, 22), PriceImportRules.HorizonEnd(Berlin, Now));
        Assert.Equal(Utc(2024, 7, 11, 22), PriceImportRules.HorizonEnd(Berlin, Utc(2024, 7, 9, 22)));   // 00:00 Berlin on the 10th
        Assert.Equal(Utc(2024, 10, 27, 23), PriceImportRules.HorizonEnd(Berlin, Utc(2024, 10, 26, 12)));   // tomorrow is the 25-hour day
    }

    [Theory]
    [InlineData("4000.01", 4)]
    [InlineData("-500.5", 4)]
    [InlineData("1e12", 4)]
    [InlineData("-1e12", 4)]
    public void Csv_PriceOutsideTheLimits_DocumentRefusedAtItsLine(string bad, int line)
    {
        var result = Read(Csv(Utc(2024, 7, 10), 24, h => h == 2 ? bad : "50"), Live);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(line, error.Line);
        Assert.Contains("outside the market's clearing-price limits (-500 … 4000 per MWh", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("doc.csv:4: ", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void Csv_NotFinite_Refused(string bad)
    {
        var result = Read(Csv(Utc(2024, 7, 10), 3, h => h == 1 ? bad : "50"), Live);

        Assert.False(result.Succeeded);
        Assert.Equal(3, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void Csv_AtTheLimitsAndUpToTheEndOfTomorrow_Accepted()
    {
        // 2024-07-09T22Z .. 2024-07-11T21Z: today and tomorrow, Berlin; the limits themselves are prices the auction can clear.
        var result = Read(Csv(Utc(2024, 7, 9, 22), 48, h => h == 0 ? "-500" : h == 1 ? "4000" : "42"), Live);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(48, result.History.Count);
    }

    [Fact]
    public void Csv_OneSlotAfterTomorrow_DocumentRefusedNamingTheSlot()
    {
        var result = Read(Csv(Utc(2024, 7, 9, 22), 49, _ => "42"), Live);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(50, error.Line);
        Assert.Contains("2024-07-11T22:00Z is beyond what the day-ahead market can have published (up to 2024-07-11T22:00Z", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_SiteLimits_ReplaceSdacs()
    {
        var ercot = Live with { Limits = new PriceLimits(-250, 5000) };

        Assert.True(Read(Csv(Utc(2024, 7, 10), 2, h => h == 0 ? "4999" : "-250"), ercot).Succeeded);
        Assert.False(Read(Csv(Utc(2024, 7, 10), 2, h => h == 0 ? "4999" : "-251"), ercot).Succeeded);
    }

    [Fact]
    public void Csv_MoreRowsThanAllowed_RefusedWithoutReadingTheRest()
    {
        var rules = Live with { MaxRows = 100 };

        var result = Read(Csv(Utc(2020, 1, 1), 5000, _ => "42"), rules);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(102, error.Line);
        Assert.Contains("more than 100 rows", error.Message, StringComparison.Ordinal);
        Assert.True(result.History.IsEmpty);
    }

    [Fact]
    public void CsvFile_LargerThanAllowed_RefusedUnread()
    {
        var path = Path.Combine(_folder, "big.csv");
        File.WriteAllText(path, Csv(Utc(2020, 1, 1), 1000, _ => "42"));

        var result = CsvPriceReader.ReadFile(path, rules: Live with { MaxBytes = 4096 });

        Assert.False(result.Succeeded);
        Assert.Contains("a price document holds at most 4096 bytes", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileRules_TwoMillionRowsReachingToThe2050s_Refused()
    {
        // The attack: two million hourly rows from 2024 on reach 2252 (and the quarter-hour variant 2081); both the row bound
        // and the horizon refuse it. Written to a file as --prices would read it.
        var path = Path.Combine(_folder, "flood.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("timestamp_utc,price_eur_per_mwh\n");
            var t = Utc(2024, 1, 1);
            for (var i = 0; i < 2_000_000; i++)
            {
                writer.Write(t.AddMinutes(15 * i).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                writer.Write(",1\n");
            }
        }

        var result = PriceFileImporter.Read(path, Live);

        Assert.False(result.Succeeded);
        Assert.True(result.History.IsEmpty);
        Assert.Contains(result.Errors, e => e.Message.Contains("bytes", StringComparison.Ordinal) || e.Message.Contains("rows", StringComparison.Ordinal)
            || e.Message.Contains("beyond what the day-ahead market", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DeLu)]
    [InlineData(Se3)]
    [InlineData(Es)]
    [InlineData(Ercot)]
    public void SharedHistory_StillLoadsUnderTheLiveRules(string name)
    {
        var result = PriceFileImporter.Read(Shared(name), PriceImportRules.ForFiles(PriceLimits.Sdac, Berlin, Utc(2026, 12, 6, 22)));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(HistoryOf(name).Count, result.History.Count);
        Assert.NotNull(result.Published);
    }

    [Fact]
    public void Xml_PointOutsideTheLimits_DocumentRefusedAtThePointsLine()
    {
        var text = File.ReadAllText(Fixture("entsoe_a44_dst_autumn_2024-10-27.xml")).Replace("<price.amount>84.0</price.amount>", "<price.amount>1000000000000</price.amount>", StringComparison.Ordinal);

        var result = EntsoePriceReader.Read(new StringReader(text), "doc.xml", rules: PriceImportRules.ForFiles(PriceLimits.Sdac, Berlin, Utc(2024, 10, 26, 12)));

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Contains("Point 2: the price 1000000000000 per MWh is outside the market's clearing-price limits", error.Message, StringComparison.Ordinal);
        Assert.Equal(Line(text, "1000000000000") - 2, error.Line);   // the <Point> element, two lines above its price
    }

    [Fact]
    public void Xml_BeforeThePublication_DayAfterTomorrowRefused_AfterItAccepted()
    {
        var path = Fixture("entsoe_a44_dst_autumn_2024-10-27.xml");

        var early = EntsoePriceReader.ReadFile(path, rules: PriceImportRules.ForFiles(PriceLimits.Sdac, Berlin, Utc(2024, 10, 25, 10)));
        var inTime = EntsoePriceReader.ReadFile(path, rules: PriceImportRules.ForFiles(PriceLimits.Sdac, Berlin, Utc(2024, 10, 26, 10)));

        Assert.False(early.Succeeded);
        Assert.Contains("beyond what the day-ahead market can have published", early.Errors[0].Message, StringComparison.Ordinal);
        Assert.True(inTime.Succeeded, string.Join("\n", inTime.Errors));
        Assert.Equal(25, inTime.History.Count);
    }

    [Fact]
    public void Xml_CompressedPeriodOverDecades_RefusedByTheSlotBound()
    {
        // A03: one point repeats over the whole interval; 1990..2020 at PT15M would be a million slots.
        var text = File.ReadAllText(Fixture("entsoe_a44_a03_compressed.xml"));
        var start = text.IndexOf("<Period>", StringComparison.Ordinal);
        var period = "<Period><timeInterval><start>1990-01-01T00:00Z</start><end>2020-01-01T00:00Z</end></timeInterval><resolution>PT15M</resolution>"
            + "<Point><position>1</position><price.amount>10</price.amount></Point></Period>";
        var end = text.IndexOf("</Period>", start, StringComparison.Ordinal) + "</Period>".Length;
        var flood = text[..start] + period + text[end..];

        var result = EntsoePriceReader.Read(new StringReader(flood), "flood.xml", rules: PriceImportRules.Default);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Message.Contains($"more than {PriceImportRules.FileMaxRows}", StringComparison.Ordinal));
        Assert.True(result.History.IsEmpty);
    }

    private static int Line(string text, string needle) => text[..text.IndexOf(needle, StringComparison.Ordinal)].Count(c => c == '\n') + 1;
}
