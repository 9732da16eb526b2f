using Energy.Contracts.Units;

namespace Energy.Contracts.Signals;

/// <summary>
/// The unit a signal is kept in, from the end of its name as HeatGrid names signals:
/// <c>bath.heatDemandKw</c> is in kW, <c>bath.supplyTemperatureC</c> in °C. Every value that reaches
/// the registry under that name is in that unit; the adapters convert to it.
/// </summary>
public static class SignalUnits
{
    // Longest first, so that "Kwh" is not read as "…Kw" + "h" and "M3PerHour" not as a rate.
    private static readonly (string Suffix, Unit Unit)[] Suffixes =
    [
        ("M3PerHour", Unit.CubicMetrePerHour),
        ("Percent", Unit.Percent),
        ("Kwh", Unit.KilowattHour),
        ("Mwh", Unit.MegawattHour),
        ("Kw", Unit.Kilowatt),
        ("Hz", Unit.Hertz),
        ("C", Unit.Celsius),
        ("V", Unit.Volt),
    ];

    /// <summary>
    /// The unit the name implies, or null when it implies none (<c>bath.visitors</c>, <c>bath.boilerOn</c>,
    /// <c>test.{1}</c>). A suffix counts where it starts a new camelCase word, after a lower-case letter
    /// or a digit (<c>voltageL1V</c>), and not after <c>Per</c>: <c>spotPricePerMwh</c> is a price, not energy.
    /// </summary>
    public static Unit? Of(string signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        foreach (var (suffix, unit) in Suffixes)
        {
            if (!signal.EndsWith(suffix, StringComparison.Ordinal) || signal.Length == suffix.Length)
            {
                continue;
            }

            var stem = signal[..^suffix.Length];
            var before = stem[^1];
            if (char.IsAsciiLetterLower(before) || char.IsAsciiDigit(before))
            {
                return stem.EndsWith("Per", StringComparison.Ordinal) ? null : unit;
            }
        }

        return null;
    }
}
