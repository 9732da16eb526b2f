using System.Diagnostics;
using Energy.Contracts.Time;
using Energy.Contracts.Units;
using Energy.Telemetry.Prices;
using Xunit.Abstractions;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

/// <summary>The shared real price files (shared/data/README.md) read as their README describes them.</summary>
public class CsvPriceReaderSharedDataTests(ITestOutputHelper output)
{
    [Fact]
    public void ReadFile_DeLu2024_8784HourlySlotsWithoutGaps()
    {
        var result = Read(DeLu);

        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        Assert.Empty(result.Warnings);
        var history = result.History;
        Assert.Equal(8784, history.Count);
        Assert.Equal(TimeSpan.FromHours(1), history.SlotLength);
        Assert.Equal(Currency.Eur, history.Currency);
        Assert.Equal(Utc(2024, 1, 1), history.First);
        Assert.Equal(Utc(2025, 1, 1), history.End);
        Assert.Empty(history.Gaps);
    }

    [Fact]
    public void ReadFile_DeLu2024_MinimumAndMaximumAsDocumented()
    {
        var prices = HistoryOf(DeLu).Slots.Select(s => s.Price.PerMegawattHour).ToList();

        Assert.Equal(-135.45, prices.Min());
        Assert.Equal(936.28, prices.Max());
        Assert.Equal(457, prices.Count(p => p < 0));
    }

    [Theory]
    [InlineData(2024, 3, 31, 23)]
    [InlineData(2024, 10, 27, 25)]
    [InlineData(2024, 6, 15, 24)]
    public void SlotsOfLocalDay_DeLuInBerlin_DstDaysHave23And25Hours(int year, int month, int day, int expected)
    {
        Assert.Equal(expected, HistoryOf(DeLu).SlotsOfLocalDay(new DateOnly(year, month, day), Berlin));
    }

    [Fact]
    public void ReadFile_Se3_2023_8760SlotsOverTheLocalYear()
    {
        var history = HistoryOf(Se3);

        Assert.Equal(8760, history.Count);
        Assert.Empty(history.Gaps);
        Assert.Equal(Utc(2022, 12, 31, 23), history.First);
        Assert.Equal(-60.04, history.Slots.Min(s => s.Price.PerMegawattHour));
        var stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
        Assert.Equal(23, history.SlotsOfLocalDay(new DateOnly(2023, 3, 26), stockholm));
        Assert.Equal(25, history.SlotsOfLocalDay(new DateOnly(2023, 10, 29), stockholm));
    }

    [Fact]
    public void ReadFile_Es2024_TheThreeDocumentedGapsAreReportedNotFilled()
    {
        var result = Read(Es);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(8734, result.History.Count);
        Assert.Equal(
            [
                new PriceGap(Utc(2024, 4, 29, 22), Utc(2024, 4, 30, 22), 24),
                new PriceGap(Utc(2024, 10, 27, 0), Utc(2024, 10, 27, 2), 2),
                new PriceGap(Utc(2024, 11, 29, 23), Utc(2024, 11, 30, 23), 24),
            ],
            result.History.Gaps);
        Assert.Equal(50, result.History.Gaps.Sum(g => g.Count));
        Assert.Equal(3, result.Warnings.Count);
        Assert.All(result.Warnings, w => Assert.True(w.Line > 1, w.ToString()));
    }

    [Fact]
    public void Curve_Es2024AcrossTheAprilGap_StopsAtTheGap()
    {
        var history = HistoryOf(Es);

        var curve = history.Curve(Utc(2024, 4, 29, 0), Utc(2024, 5, 2, 0));

        Assert.Equal(Utc(2024, 4, 29, 0), curve.Start);
        Assert.Equal(22, curve.Prices.Count);
        Assert.Equal(Utc(2024, 4, 29, 22), curve.End);
        Assert.Empty(history.Curve(Utc(2024, 4, 30, 5), Utc(2024, 5, 1, 0)).Prices);
        Assert.Equal(24, history.Curve(Utc(2024, 4, 30, 22), Utc(2024, 5, 1, 22)).Prices.Count);
    }

    [Fact]
    public void ReadFile_Ercot_PricesInUsd()
    {
        var history = HistoryOf(Ercot);

        Assert.Equal(Currency.Usd, history.Currency);
        Assert.All(history.Slots, s => Assert.Equal(Currency.Usd, s.Price.Currency));
        Assert.Equal(8784, history.Count);
        Assert.Equal(2221.48, history.Slots.Max(s => s.Price.PerMegawattHour));
        var chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
        Assert.Equal(23, history.SlotsOfLocalDay(new DateOnly(2024, 3, 10), chicago));
        Assert.Equal(25, history.SlotsOfLocalDay(new DateOnly(2024, 11, 3), chicago));
    }

    [Fact]
    public void ReadFile_DeLuSplitInto15MinuteSlots_96PerDayAnd92Or100OnDstDays()
    {
        var quarterHours = HistoryOf(DeLu).WithSlotLength(TimeSpan.FromMinutes(15));

        var result = ReadCsv(CsvPriceWriter.ToCsv(quarterHours));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var history = result.History;
        Assert.Equal(TimeSpan.FromMinutes(15), history.SlotLength);
        Assert.Equal(8784 * 4, history.Count);
        Assert.Equal(96, history.SlotsOfLocalDay(new DateOnly(2024, 6, 15), Berlin));
        Assert.Equal(92, history.SlotsOfLocalDay(new DateOnly(2024, 3, 31), Berlin));
        Assert.Equal(100, history.SlotsOfLocalDay(new DateOnly(2024, 10, 27), Berlin));
        Assert.Equal(
            MarketCalendar.SlotsOfLocalDay(new DateOnly(2024, 10, 27), Berlin, TimeSpan.FromMinutes(15)).Count,
            history.SlotsOfLocalDay(new DateOnly(2024, 10, 27), Berlin));
    }

    [Theory]
    [InlineData(DeLu)]
    [InlineData(Se3)]
    [InlineData(Es)]
    [InlineData(Ercot)]
    public void ReadFile_SharedFile_FastEnoughToReadAtEveryStart(string name)
    {
        CsvPriceReader.ReadFile(Shared(name));   // warm up: JIT and the file cache
        var clock = Stopwatch.StartNew();
        const int Runs = 5;
        var rows = 0;
        for (var i = 0; i < Runs; i++)
        {
            rows = CsvPriceReader.ReadFile(Shared(name)).History.Count;
        }

        var perRead = clock.Elapsed / Runs;
        output.WriteLine($"{name}: {rows} rows in {perRead.TotalMilliseconds:0.00} ms = {rows / perRead.TotalSeconds:N0} rows/s");

        // A few ms on a quiet machine; the bound leaves room for a loaded CI runner.
        Assert.True(perRead < TimeSpan.FromMilliseconds(250), $"{perRead.TotalMilliseconds} ms per read");
    }
}
