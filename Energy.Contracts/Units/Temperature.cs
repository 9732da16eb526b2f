using System.Globalization;

namespace Energy.Contracts.Units;

/// <summary>A temperature, stored in degrees Celsius. Below absolute zero, NaN and infinities are rejected.</summary>
public readonly record struct Temperature : IComparable<Temperature>
{
    private const double AbsoluteZeroCelsius = -273.15;

    private readonly double _celsius;

    private Temperature(double celsius)
    {
        UnitGuard.Finite(celsius, "°C");
        if (celsius < AbsoluteZeroCelsius)
        {
            throw new ArgumentOutOfRangeException(nameof(celsius), celsius, "A temperature cannot be below absolute zero (-273.15 °C).");
        }

        _celsius = celsius;
    }

    public double Celsius => _celsius;

    public double Kelvin => _celsius - AbsoluteZeroCelsius;

    public static Temperature FromCelsius(double celsius) => new(celsius);

    public static Temperature FromKelvin(double kelvin) => new(UnitGuard.Finite(kelvin, "K") + AbsoluteZeroCelsius);

    /// <summary>How many kelvin this temperature lies above <paramref name="other"/> (negative if below).</summary>
    public double KelvinAbove(Temperature other) => _celsius - other._celsius;

    public static bool operator <(Temperature a, Temperature b) => a._celsius < b._celsius;

    public static bool operator >(Temperature a, Temperature b) => a._celsius > b._celsius;

    public static bool operator <=(Temperature a, Temperature b) => a._celsius <= b._celsius;

    public static bool operator >=(Temperature a, Temperature b) => a._celsius >= b._celsius;

    public int CompareTo(Temperature other) => _celsius.CompareTo(other._celsius);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_celsius:0.##} °C");
}
