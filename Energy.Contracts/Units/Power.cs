using System.Globalization;

namespace Energy.Contracts.Units;

/// <summary>
/// Electric or thermal power. Stored in watts; negative values mean flow in the other direction
/// (export, discharge). NaN and infinities are rejected.
/// </summary>
public readonly record struct Power : IComparable<Power>
{
    private readonly double _watts;

    private Power(double watts) => _watts = UnitGuard.Finite(watts, "W");

    public static Power Zero => default;

    public double Watts => _watts;

    public double Kilowatts => _watts / 1_000;

    public double Megawatts => _watts / 1_000_000;

    public static Power FromWatts(double watts) => new(watts);

    public static Power FromKilowatts(double kilowatts) => new(UnitGuard.Finite(kilowatts, "kW") * 1_000);

    public static Power FromMegawatts(double megawatts) => new(UnitGuard.Finite(megawatts, "MW") * 1_000_000);

    /// <summary>NVML reports milliwatts.</summary>
    public static Power FromMilliwatts(double milliwatts) => new(UnitGuard.Finite(milliwatts, "mW") / 1_000);

    public static Power Min(Power a, Power b) => a._watts <= b._watts ? a : b;

    public static Power Max(Power a, Power b) => a._watts >= b._watts ? a : b;

    public Power Clamp(Power min, Power max) => Max(min, Min(max, this));

    public static Power operator +(Power a, Power b) => new(a._watts + b._watts);

    public static Power operator -(Power a, Power b) => new(a._watts - b._watts);

    public static Power operator -(Power a) => new(-a._watts);

    public static Power operator *(Power a, double factor) => new(a._watts * factor);

    public static Power operator *(double factor, Power a) => new(a._watts * factor);

    public static Power operator /(Power a, double divisor) => new(a._watts / divisor);

    public static double operator /(Power a, Power b) => a._watts / b._watts;

    /// <summary>Power held for a duration is energy.</summary>
    public static EnergyAmount operator *(Power power, TimeSpan duration) => EnergyAmount.FromWattHours(power._watts * duration.TotalHours);

    public static bool operator <(Power a, Power b) => a._watts < b._watts;

    public static bool operator >(Power a, Power b) => a._watts > b._watts;

    public static bool operator <=(Power a, Power b) => a._watts <= b._watts;

    public static bool operator >=(Power a, Power b) => a._watts >= b._watts;

    public int CompareTo(Power other) => _watts.CompareTo(other._watts);

    public Power Add(Power other) => this + other;

    public Power Subtract(Power other) => this - other;

    public Power Multiply(double factor) => this * factor;

    public Power Divide(double divisor) => this / divisor;

    public Power Negate() => -this;

    public override string ToString() => Math.Abs(_watts) >= 1_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{Megawatts:0.###} MW")
        : Math.Abs(_watts) >= 1_000
            ? string.Create(CultureInfo.InvariantCulture, $"{Kilowatts:0.###} kW")
            : string.Create(CultureInfo.InvariantCulture, $"{_watts:0.###} W");
}
