namespace Energy.Telemetry.Prices;

/// <summary>
/// One data row as read: the slot start in UTC ticks, the price (NaN where the cell was empty or unreadable, already
/// reported), its line, and when its price was published (UTC ticks; 0 where the file has no <c>published_utc</c> column).
/// </summary>
internal readonly record struct CsvPriceRow(long Ticks, double Price, int Line, long PublishedTicks = 0);
