using System.Globalization;

using Energy.Scheduler.Planning;

namespace Energy.Scheduler.Backtesting;

/// <summary>
/// Reads one value column of a file in the shared data format (shared/data/README.md): a header whose
/// first column is <c>timestamp_utc</c> (UTC interval start) and whose names carry the unit. Empty
/// cells are gaps (NaN), kept for the aligner to count; unreadable rows are errors naming the line.
/// </summary>
public static class SeriesCsvReader
{
    /// <summary>Heat demand: <c>heat_demand_kw</c> or <c>heat_demand_mw</c>; values come back in kW.</summary>
    public static TimedSeries ReadHeatKw(string path)
    {
        var names = Header(path);
        var kw = Array.FindIndex(names, n => n.Equals("heat_demand_kw", StringComparison.OrdinalIgnoreCase));
        var mw = Array.FindIndex(names, n => n.Equals("heat_demand_mw", StringComparison.OrdinalIgnoreCase));
        return kw >= 0 ? Read(path, kw, 1)
            : mw >= 0 ? Read(path, mw, 1_000)
            : throw new BacktestInputException($"{path}:1: no heat column among '{string.Join(",", names)}'; expected heat_demand_kw or heat_demand_mw");
    }

    /// <summary>
    /// Outdoor temperature: a column named <c>temp_c</c> or <c>outdoor_temp_c</c>, otherwise the first
    /// <c>*temp_c</c> column that is not a supply or return temperature of a heat network.
    /// </summary>
    public static TimedSeries ReadTemperatureC(string path)
    {
        var names = Header(path);
        var index = Array.FindIndex(names, n => n is "temp_c" or "outdoor_temp_c");
        if (index < 0)
        {
            index = Array.FindIndex(names, n => n.EndsWith("temp_c", StringComparison.Ordinal)
                && !n.StartsWith("supply", StringComparison.Ordinal) && !n.StartsWith("return", StringComparison.Ordinal));
        }

        return index >= 0
            ? Read(path, index, 1)
            : throw new BacktestInputException($"{path}:1: no temperature column among '{string.Join(",", names)}'; expected one named *temp_c, e.g. temp_c");
    }

    private static string[] Header(string path) =>
        TimedCsvRow.Header(path, "UTC interval start", (message, cause) => cause is null ? new BacktestInputException(message) : new BacktestInputException(message, cause));

    private static TimedSeries Read(string path, int column, double factor)
    {
        var ticks = new List<long>(40_000);
        var values = new List<double>(40_000);
        var line = 0;
        string columnName = string.Empty;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            var cells = text.Split(',');
            if (line == 1)
            {
                columnName = cells[column].Trim();
                continue;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (TimedCsvRow.Read(path, line, cells, column, columnName, ticks.Count > 0 ? ticks[^1] : null, out var instant, out var value) is { } error)
            {
                throw new BacktestInputException(error);
            }

            ticks.Add(instant);
            values.Add(value * factor);
        }

        return new TimedSeries(path, columnName, [.. ticks], [.. values]);
    }
}
