namespace Energy.Contracts.Units;

/// <summary>
/// A unit a value arrives in at HeatGrid's edges (Modbus points, MQTT payloads) and the unit a signal
/// is kept in. A value converts between units of one <see cref="Quantity"/> (temperature with an
/// offset, K ↔ °C); between quantities it never does. <c>default(Unit)</c> is
/// <see cref="Dimensionless"/>. NaN stays NaN: a conversion never turns it into a number.
/// </summary>
public readonly record struct Unit
{
    // value in the quantity's base unit (W, Wh, °C, Hz, V, m³/h, %) = value × Scale + Offset.
    private static readonly (string Symbol, Quantity Quantity, double Scale, double Offset, string[] Aliases)[] Definitions =
    [
        (string.Empty, Quantity.Dimensionless, 1, 0, []),
        ("W", Quantity.Power, 1, 0, []),
        ("kW", Quantity.Power, 1e3, 0, []),
        ("MW", Quantity.Power, 1e6, 0, []),
        ("Wh", Quantity.Energy, 1, 0, []),
        ("kWh", Quantity.Energy, 1e3, 0, []),
        ("MWh", Quantity.Energy, 1e6, 0, []),
        ("°C", Quantity.Temperature, 1, 0, ["C", "degC"]),
        ("K", Quantity.Temperature, 1, -273.15, []),
        ("Hz", Quantity.Frequency, 1, 0, []),
        ("V", Quantity.Voltage, 1, 0, []),
        ("m³/h", Quantity.VolumeFlow, 1, 0, ["m3/h"]),
        ("l/s", Quantity.VolumeFlow, 3.6, 0, ["L/s"]),
        ("l/min", Quantity.VolumeFlow, 0.06, 0, ["L/min"]),
        ("%", Quantity.Ratio, 1, 0, []),
    ];

    private static readonly Dictionary<string, Unit> ByText = Texts();

    private readonly byte _id;

    private Unit(byte id) => _id = id;

    public static Unit Dimensionless => default;

    public static Unit Watt { get; } = new(1);

    public static Unit Kilowatt { get; } = new(2);

    public static Unit Megawatt { get; } = new(3);

    public static Unit WattHour { get; } = new(4);

    public static Unit KilowattHour { get; } = new(5);

    public static Unit MegawattHour { get; } = new(6);

    public static Unit Celsius { get; } = new(7);

    public static Unit Kelvin { get; } = new(8);

    public static Unit Hertz { get; } = new(9);

    public static Unit Volt { get; } = new(10);

    public static Unit CubicMetrePerHour { get; } = new(11);

    public static Unit LitrePerSecond { get; } = new(12);

    public static Unit LitrePerMinute { get; } = new(13);

    public static Unit Percent { get; } = new(14);

    /// <summary>Every unit HeatGrid knows, in the order of <see cref="Quantity"/>.</summary>
    public static IReadOnlyList<Unit> All { get; } = [.. Enumerable.Range(0, Definitions.Length).Select(i => new Unit((byte)i))];

    /// <summary>Every spelling <see cref="TryParse"/> accepts: the symbols and their aliases (C, degC, m3/h…).</summary>
    public static IReadOnlyList<string> Spellings { get; } = [.. ByText.Keys.Where(k => k.Length > 0)];

    /// <summary>The symbol as HeatGrid prints it: kW, °C, m³/h; empty when dimensionless.</summary>
    public string Symbol => Definitions[_id].Symbol;

    public Quantity Quantity => Definitions[_id].Quantity;

    public bool IsDimensionless => Quantity == Quantity.Dimensionless;

    /// <summary>What the unit measures, in words: "power", "volume flow".</summary>
    public string QuantityName => Quantity switch
    {
        Quantity.VolumeFlow => "volume flow",
        _ => Quantity.ToString().ToLowerInvariant(),
    };

    /// <summary>A symbol or alias, surrounding white space ignored, case as written (MW is not mW); empty is dimensionless.</summary>
    public static bool TryParse(string? text, out Unit unit)
    {
        unit = default;
        return text is not null && ByText.TryGetValue(text.Trim(), out unit);
    }

    public static Unit Parse(string text) => TryParse(text, out var unit)
        ? unit
        : throw new FormatException($"'{text}' is not a unit HeatGrid knows ({string.Join(", ", Spellings)}).");

    /// <summary>Whether values in this unit can be expressed in <paramref name="target"/>: the same quantity.</summary>
    public bool ConvertsTo(Unit target) => Quantity == target.Quantity;

    /// <summary>
    /// <paramref name="value"/> in this unit expressed in <paramref name="target"/>; false, with NaN,
    /// when the quantities differ. A NaN or infinite value stays NaN or infinite.
    /// </summary>
    public bool TryConvert(double value, Unit target, out double converted)
    {
        if (!ConvertsTo(target))
        {
            converted = double.NaN;
            return false;
        }

        if (_id == target._id)
        {
            converted = value;
            return true;
        }

        var (from, to) = (Definitions[_id], Definitions[target._id]);
        converted = ((value * from.Scale) + from.Offset - to.Offset) / to.Scale;
        return true;
    }

    /// <summary>As <see cref="TryConvert"/>, for units known to convert; throws when they do not.</summary>
    public double Convert(double value, Unit target) => TryConvert(value, target, out var converted)
        ? converted
        : throw new InvalidOperationException($"{Describe()} does not convert to {target.Describe()}.");

    /// <summary>The symbol with its quantity, for messages: "m³/h (volume flow)".</summary>
    public string Describe() => IsDimensionless ? "no unit (dimensionless)" : $"{Symbol} ({QuantityName})";

    public override string ToString() => Symbol;

    private static Dictionary<string, Unit> Texts()
    {
        var texts = new Dictionary<string, Unit>(StringComparer.Ordinal);
        for (var i = 0; i < Definitions.Length; i++)
        {
            texts.Add(Definitions[i].Symbol, new Unit((byte)i));
            foreach (var alias in Definitions[i].Aliases)
            {
                texts.Add(alias, new Unit((byte)i));
            }
        }

        return texts;
    }
}
