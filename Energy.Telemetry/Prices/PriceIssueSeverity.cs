namespace Energy.Telemetry.Prices;

/// <summary>How bad a problem in a price file is: an error fails the import, a warning (a gap, an empty cell) does not.</summary>
public enum PriceIssueSeverity
{
    Warning,
    Error,
}
