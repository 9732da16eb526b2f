namespace Energy.Telemetry.Signals;

/// <summary>
/// Units a payload may carry for a signal kept in another unit of the same kind: power (W, kW, MW),
/// energy (Wh, kWh, MWh), temperature (°C, K). Anything else must match exactly.
/// </summary>
public static class UnitConversion
{
    private static readonly Dictionary<string, (string Kind, double Factor, double Offset)> Units = new(StringComparer.Ordinal)
    {
        ["W"] = ("power", 1e-3, 0),
        ["kW"] = ("power", 1, 0),
        ["MW"] = ("power", 1e3, 0),
        ["Wh"] = ("energy", 1e-3, 0),
        ["kWh"] = ("energy", 1, 0),
        ["MWh"] = ("energy", 1e3, 0),
        ["°C"] = ("temperature", 1, 0),
        ["C"] = ("temperature", 1, 0),
        ["degC"] = ("temperature", 1, 0),
        ["K"] = ("temperature", 1, -273.15),
    };

    /// <summary>Converts <paramref name="value"/> in <paramref name="from"/> to <paramref name="to"/>; false when they are not of one kind.</summary>
    public static bool TryConvert(double value, string from, string to, out double converted)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        converted = value;
        if (string.Equals(from.Trim(), to.Trim(), StringComparison.Ordinal))
        {
            return true;
        }

        if (!Units.TryGetValue(from.Trim(), out var source) || !Units.TryGetValue(to.Trim(), out var target) || source.Kind != target.Kind)
        {
            return false;
        }

        // To the kind's base unit (kW, kWh, °C), then to the target.
        var baseValue = (value * source.Factor) + source.Offset;
        converted = (baseValue - target.Offset) / target.Factor;
        return true;
    }
}
