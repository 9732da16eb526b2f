using System.Text;
using Energy.Contracts.Signals;
using Energy.Contracts.Units;

namespace Energy.Contracts.Configuration;

internal sealed partial class SiteFileReader
{
    /// <summary>
    /// The <c>unit</c> of a Modbus point or MQTT mapping: a unit HeatGrid knows, and one that converts
    /// to the unit the signal's name implies. Left out, it is the signal's unit (or none). Null after
    /// an error, which is reported at the unit's value.
    /// </summary>
    private static Unit? UnitOf(YamlSection section, string? signal)
    {
        var signalUnit = signal is null ? null : SignalUnits.Of(signal);
        var text = section.String("unit", required: false);
        if (text is null)
        {
            return signalUnit ?? Unit.Dimensionless;
        }

        if (!Unit.TryParse(text, out var unit))
        {
            section.ErrorAt("unit", SuggestUnit(text) is { } suggestion
                ? $"unknown unit '{text}'; did you mean '{suggestion}'?"
                : $"unknown unit '{text}' (known units: {string.Join(", ", Unit.All.Where(u => !u.IsDimensionless))})");
            return null;
        }

        if (signalUnit is { } kept && !unit.ConvertsTo(kept))
        {
            section.ErrorAt("unit", $"{text.Trim()} ({unit.QuantityName}) does not convert to {kept.Describe()}, the unit of signal {signal}");
            return null;
        }

        return unit;
    }

    /// <summary>
    /// A known spelling the text differs from only in case, spaces, '/', '°' or '³' (KW → kW, kW/h → kWh,
    /// m3h → m3/h). A leading m and M stay apart: mW is milliwatts, not megawatts.
    /// </summary>
    private static string? SuggestUnit(string text)
    {
        var key = UnitKey(text);
        return key.Length == 0 ? null : Unit.Spellings.FirstOrDefault(s => UnitKey(s) == key);
    }

    private static string UnitKey(string text)
    {
        var key = new StringBuilder(text.Length);
        foreach (var c in text.Trim())
        {
            if (c is '/' or '°' or '.' || char.IsWhiteSpace(c))
            {
                continue;
            }

            key.Append(c == '³' ? '3' : key.Length == 0 && c is 'm' or 'M' ? c : char.ToLowerInvariant(c));
        }

        return key.ToString();
    }
}
