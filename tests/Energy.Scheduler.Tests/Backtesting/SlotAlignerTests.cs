using System.Text;
using Energy.Scheduler.Backtesting;

namespace Energy.Scheduler.Tests.Backtesting;

public sealed class SlotAlignerTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void Align_QuarterHoursIntoHourlySlots_AveragesAndSkipsEmptyCells()
    {
        var csv = new StringBuilder("timestamp_utc,heat_demand_kw\n");
        csv.Append("2024-01-01T00:00:00Z,100\n2024-01-01T00:15:00Z,200\n2024-01-01T00:30:00Z,300\n2024-01-01T00:45:00Z,400\n");
        csv.Append("2024-01-01T01:00:00Z,10\n2024-01-01T01:15:00Z,\n2024-01-01T01:30:00Z,30\n2024-01-01T01:45:00Z,\n");
        var path = BacktestData.TempFile(csv.ToString());
        try
        {
            var series = SeriesCsvReader.ReadHeatKw(path);
            var aligned = SlotAligner.Align(series, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), 2, TimeSpan.FromHours(1), Berlin);

            Assert.Equal(250, aligned.Values[0], 9);
            Assert.Equal(20, aligned.Values[1], 9);
            Assert.Equal(2, aligned.SourceEmptyRows);
            Assert.StartsWith("same period", aligned.Method, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadHeatKw_MegawattColumn_ConvertsToKilowatts()
    {
        var path = BacktestData.TempFile("timestamp_utc,heat_demand_mw,outdoor_temp_c\n2014-01-01T00:00:00Z,1.5,3\n");
        try
        {
            Assert.Equal(1_500, SeriesCsvReader.ReadHeatKw(path).Values[0]);
            Assert.Equal(3, SeriesCsvReader.ReadTemperatureC(path).Values[0]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Align_Bavaria2020OntoDeLu2024_KeepsMonthIsoWeekdayAndLocalHour()
    {
        var source = SeriesCsvReader.ReadHeatKw(BacktestData.BavariaHeat);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var count = 366 * 24;
        var aligned = SlotAligner.Align(source, start, count, TimeSpan.FromHours(1), Berlin);
        Assert.StartsWith("calendar alignment", aligned.Method, StringComparison.Ordinal);
        Assert.Equal(741, aligned.SourceEmptyRows);

        // Index the 2020 hourly means by local time to find where each 2024 value came from.
        var sourceStart = source.Ticks[0];
        var hourly = SlotAligner.Average(source, sourceStart, 366 * 24, TimeSpan.FromHours(1));
        var random = new Random(2024);
        for (var k = 0; k < 300; k++)
        {
            var i = random.Next(count);
            if (double.IsNaN(aligned.Values[i]))
            {
                continue;
            }

            var target = TimeZoneInfo.ConvertTime(start.AddHours(i), Berlin);
            var matches = Enumerable.Range(0, hourly.Length)
                .Where(j => hourly[j] == aligned.Values[i])
                .Select(j => TimeZoneInfo.ConvertTime(new DateTimeOffset(sourceStart, TimeSpan.Zero).AddHours(j), Berlin))
                .ToList();
            Assert.Contains(matches, m => m.Year == 2020 && m.Month == target.Month && m.DayOfWeek == target.DayOfWeek && m.Hour == target.Hour);
        }
    }

    [Fact]
    public void Align_MissingLocalDay_FallsToNextSameWeekdayOfTheMonth()
    {
        // 2020-12-31 (local) is absent in the source; 2024-12-31 is a Tuesday: nearest Tuesday with data is 2020-12-29.
        var source = SeriesCsvReader.ReadHeatKw(BacktestData.BavariaHeat);
        var slot = new DateTimeOffset(2024, 12, 31, 11, 0, 0, TimeSpan.Zero);   // 12:00 local
        var aligned = SlotAligner.Align(source, slot, 1, TimeSpan.FromHours(1), Berlin);
        var expected = SlotAligner.Average(source, new DateTimeOffset(2020, 12, 29, 11, 0, 0, TimeSpan.Zero).UtcTicks, 1, TimeSpan.FromHours(1));
        Assert.Equal(expected[0], aligned.Values[0], 9);
    }
}
