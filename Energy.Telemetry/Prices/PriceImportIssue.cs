namespace Energy.Telemetry.Prices;

/// <summary>One problem in a price file, located to its line (1-based; 0 when it concerns the whole file).</summary>
/// <param name="Source">The file as the caller named it.</param>
/// <param name="Line">1-based line, or 0 for the whole file.</param>
/// <param name="Severity">Errors fail the import; warnings do not.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record PriceImportIssue(string Source, int Line, PriceIssueSeverity Severity, string Message)
{
    /// <summary>Compiler style: <c>FILE:LINE: message</c>, with <c>warning:</c> before a warning's message.</summary>
    public override string ToString()
    {
        var kind = Severity == PriceIssueSeverity.Warning ? "warning: " : "";
        return Line > 0 ? $"{Source}:{Line}: {kind}{Message}" : $"{Source}: {kind}{Message}";
    }
}
