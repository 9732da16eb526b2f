namespace Energy.Telemetry.Prices;

/// <summary>One data row as read: the slot start in UTC ticks, the price (NaN where the cell was empty or unreadable, already reported) and its line.</summary>
internal readonly record struct CsvPriceRow(long Ticks, double Price, int Line);
