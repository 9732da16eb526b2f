using System.Globalization;

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

    private static string[] Header(string path)
    {
        string? header;
        try
        {
            using var reader = new StreamReader(path);
            header = reader.ReadLine();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BacktestInputException($"{path}: cannot read the file: {e.Message}", e);
        }

        var names = (header ?? string.Empty).TrimStart('\uFEFF').Split(',').Select(n => n.Trim().ToLowerInvariant()).ToArray();
        if (names[0] != "timestamp_utc")
        {
            throw new BacktestInputException($"{path}:1: the first column is '{names[0]}'; expected 'timestamp_utc' (UTC interval start)");
        }

        return names;
    }

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

            if (cells.Length <= column)
            {
                throw new BacktestInputException($"{path}:{line}: {cells.Length} cells; the column '{columnName}' is number {column + 1}");
            }

            if (!DateTimeOffset.TryParse(cells[0].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            {
                throw new BacktestInputException($"{path}:{line}: '{cells[0]}' is not an ISO-8601 UTC timestamp such as 2024-01-01T00:00:00Z");
            }

            var cell = cells[column].Trim();
            double value = double.NaN;
            if (cell.Length > 0 && (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value)))
            {
                throw new BacktestInputException($"{path}:{line}: '{cell}' is not a finite number");
            }

            if (ticks.Count > 0 && instant.UtcTicks <= ticks[^1])
            {
                throw new BacktestInputException($"{path}:{line}: {cells[0]} is not after the row before; rows must be in time order, each once");
            }

            ticks.Add(instant.UtcTicks);
            values.Add(value * factor);
        }

        return new TimedSeries(path, columnName, [.. ticks], [.. values]);
    }
}
