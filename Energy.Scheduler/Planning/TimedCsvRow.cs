using System.Globalization;

namespace Energy.Scheduler.Planning;

/// <summary>
/// One data row of a timed CSV in the shared data format (<c>timestamp_utc</c> first, UTC interval start, then
/// value columns): the checks every series reader makes, with errors as <c>FILE:LINE: message</c>.
/// </summary>
internal static class TimedCsvRow
{
    /// <summary>The header's column names, lower case; <paramref name="fail"/> makes the reader's exception from a message and its cause.</summary>
    public static string[] Header(string path, string firstColumnMeaning, Func<string, Exception?, Exception> fail)
    {
        ArgumentNullException.ThrowIfNull(fail);
        string? header;
        try
        {
            using var reader = new StreamReader(path);
            header = reader.ReadLine();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw fail($"{path}: cannot read the file: {e.Message}", e);
        }

        var names = (header ?? string.Empty).TrimStart('\uFEFF').Split(',').Select(n => n.Trim().ToLowerInvariant()).ToArray();
        return names[0] == "timestamp_utc" ? names
            : throw fail($"{path}:1: the first column is '{names[0]}'; expected 'timestamp_utc' ({firstColumnMeaning})", null);
    }

    /// <summary>Reads a row's instant and the value of <paramref name="column"/> (NaN for an empty cell).</summary>
    /// <param name="previousTicks">The instant of the row before, if any: rows must be in time order, each once.</param>
    /// <returns>Null, or why the row cannot be used.</returns>
    public static string? Read(string path, int line, string[] cells, int column, string columnName, long? previousTicks, out long ticks, out double value)
    {
        ticks = 0;
        value = double.NaN;
        if (cells.Length <= column)
        {
            return $"{path}:{line}: {cells.Length} cells; the column '{columnName}' is number {column + 1}";
        }

        if (!DateTimeOffset.TryParse(cells[0].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return $"{path}:{line}: '{cells[0]}' is not an ISO-8601 UTC timestamp such as 2024-01-01T00:00:00Z";
        }

        var cell = cells[column].Trim();
        if (cell.Length > 0 && (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value)))
        {
            value = double.NaN;
            return $"{path}:{line}: '{cell}' is not a finite number";
        }

        if (previousTicks is { } previous && instant.UtcTicks <= previous)
        {
            return $"{path}:{line}: {cells[0]} is not after the row before; rows must be in time order, each once";
        }

        ticks = instant.UtcTicks;
        return null;
    }
}
