using System.Globalization;

namespace Energy.Contracts.Units;

/// <summary>Electric or thermal energy. Stored in watt-hours; may be negative (a change or a debit).</summary>
public readonly record struct EnergyAmount : IComparable<EnergyAmount>
{
    private const double JoulesPerWattHour = 3_600;

    private readonly double _wattHours;

    private EnergyAmount(double wattHours) => _wattHours = UnitGuard.Finite(wattHours, "Wh");

    public static EnergyAmount Zero => default;

    public double WattHours => _wattHours;

    public double KilowattHours => _wattHours / 1_000;

    public double MegawattHours => _wattHours / 1_000_000;

    public double Joules => _wattHours * JoulesPerWattHour;

    public static EnergyAmount FromWattHours(double wattHours) => new(wattHours);

    public static EnergyAmount FromKilowattHours(double kilowattHours) => new(UnitGuard.Finite(kilowattHours, "kWh") * 1_000);

    public static EnergyAmount FromMegawattHours(double megawattHours) => new(UnitGuard.Finite(megawattHours, "MWh") * 1_000_000);

    /// <summary>NVML's energy counter is in millijoules; heat physics in joules.</summary>
    public static EnergyAmount FromJoules(double joules) => new(UnitGuard.Finite(joules, "J") / JoulesPerWattHour);

    public static EnergyAmount Min(EnergyAmount a, EnergyAmount b) => a._wattHours <= b._wattHours ? a : b;

    public static EnergyAmount Max(EnergyAmount a, EnergyAmount b) => a._wattHours >= b._wattHours ? a : b;

    public EnergyAmount Clamp(EnergyAmount min, EnergyAmount max) => Max(min, Min(max, this));

    public static EnergyAmount operator +(EnergyAmount a, EnergyAmount b) => new(a._wattHours + b._wattHours);

    public static EnergyAmount operator -(EnergyAmount a, EnergyAmount b) => new(a._wattHours - b._wattHours);

    public static EnergyAmount operator -(EnergyAmount a) => new(-a._wattHours);

    public static EnergyAmount operator *(EnergyAmount a, double factor) => new(a._wattHours * factor);

    public static EnergyAmount operator *(double factor, EnergyAmount a) => new(a._wattHours * factor);

    public static EnergyAmount operator /(EnergyAmount a, double divisor) => new(a._wattHours / divisor);

    public static double operator /(EnergyAmount a, EnergyAmount b) => a._wattHours / b._wattHours;

    /// <summary>EnergyAmount spread over a duration is average power.</summary>
    public static Power operator /(EnergyAmount energy, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "Average power needs a positive duration.");
        }

        return Power.FromWatts(energy._wattHours / duration.TotalHours);
    }

    /// <summary>EnergyAmount bought at a price costs money.</summary>
    public static Money operator *(EnergyAmount energy, EnergyPrice price) => price * energy;

    public static bool operator <(EnergyAmount a, EnergyAmount b) => a._wattHours < b._wattHours;

    public static bool operator >(EnergyAmount a, EnergyAmount b) => a._wattHours > b._wattHours;

    public static bool operator <=(EnergyAmount a, EnergyAmount b) => a._wattHours <= b._wattHours;

    public static bool operator >=(EnergyAmount a, EnergyAmount b) => a._wattHours >= b._wattHours;

    public int CompareTo(EnergyAmount other) => _wattHours.CompareTo(other._wattHours);

    public EnergyAmount Add(EnergyAmount other) => this + other;

    public EnergyAmount Subtract(EnergyAmount other) => this - other;

    public EnergyAmount Multiply(double factor) => this * factor;

    public EnergyAmount Divide(double divisor) => this / divisor;

    public EnergyAmount Negate() => -this;

    public override string ToString() => Math.Abs(_wattHours) >= 1_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{MegawattHours:0.###} MWh")
        : Math.Abs(_wattHours) >= 1_000
            ? string.Create(CultureInfo.InvariantCulture, $"{KilowattHours:0.###} kWh")
            : string.Create(CultureInfo.InvariantCulture, $"{_wattHours:0.###} Wh");
}
