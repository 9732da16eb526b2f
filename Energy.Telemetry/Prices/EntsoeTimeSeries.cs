using System.Xml.Linq;
using Energy.Contracts.Units;

namespace Energy.Telemetry.Prices;

/// <summary>
/// One <c>TimeSeries</c> of an A44 price document (IEC 62325-451-3): its currency, price unit,
/// curve type, the auction it belongs to (<c>classificationSequence…position</c>, absent when the
/// zone has one auction) and its Periods.
/// </summary>
internal sealed record EntsoeTimeSeries(string? Sequence, Currency Currency, bool VariableBlocks, IReadOnlyList<EntsoePeriod> Periods, int Line)
{
    /// <summary>Reads a TimeSeries; null when its currency, unit or curve type make its prices unusable.</summary>
    public static EntsoeTimeSeries? Parse(XElement series, PriceImportRules rules, PriceIssueCollector issues)
    {
        var line = EntsoeXml.Line(series);
        var currencyText = EntsoeXml.Text(series, "currency_Unit.name");
        if (!Currency.TryParse(currencyText, out var currency))
        {
            issues.Error(line, $"TimeSeries currency_Unit.name '{currencyText}' is not an ISO 4217 code such as EUR");
            return null;
        }

        var unit = EntsoeXml.Text(series, "price_Measure_Unit.name");
        if (!string.Equals(unit, EntsoeXml.MegawattHour, StringComparison.OrdinalIgnoreCase))
        {
            issues.Error(line, $"TimeSeries price_Measure_Unit.name '{unit}': expected {EntsoeXml.MegawattHour} (prices per megawatt-hour)");
            return null;
        }

        // No curveType means A01, the default of the publication document schema.
        var curveType = EntsoeXml.Text(series, "curveType") ?? EntsoeXml.FixedBlocks;
        if (curveType is not (EntsoeXml.FixedBlocks or EntsoeXml.VariableBlocks))
        {
            issues.Error(line, $"TimeSeries curveType '{curveType}' is not supported; expected A01 (fixed blocks) or A03 (variable blocks)");
            return null;
        }

        var periods = new List<EntsoePeriod>();
        foreach (var element in EntsoeXml.Children(series, "Period"))
        {
            if (EntsoePeriod.Parse(element, rules, issues) is { } period)
            {
                periods.Add(period);
            }
        }

        var sequence = EntsoeXml.Text(series, EntsoeXml.ClassificationSequence);
        return new EntsoeTimeSeries(sequence, currency, curveType == EntsoeXml.VariableBlocks, periods, line);
    }
}
