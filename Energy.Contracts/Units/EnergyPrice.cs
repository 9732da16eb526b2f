using System.Globalization;

namespace Energy.Contracts.Units;

/// <summary>
/// A price per unit of energy, stored per megawatt-hour as day-ahead markets quote it.
/// May be negative (day-ahead prices are, in windy and sunny hours); NaN is rejected.
/// </summary>
public readonly record struct EnergyPrice : IComparable<EnergyPrice>
{
    private EnergyPrice(double perMegawattHour, Currency currency)
    {
        PerMegawattHour = UnitGuard.Finite(perMegawattHour, currency.Code + "/MWh");
        Currency = currency;
    }

    public double PerMegawattHour { get; }

    public double PerKilowattHour => PerMegawattHour / 1_000;

    public Currency Currency { get; }

    public static EnergyPrice Zero(Currency currency) => new(0, currency);

    public static EnergyPrice PerMwh(double amount, Currency currency) => new(amount, currency);

    public static EnergyPrice PerKwh(double amount, Currency currency) => new(UnitGuard.Finite(amount, currency.Code + "/kWh") * 1_000, currency);

    public static EnergyPrice EurPerMwh(double amount) => new(amount, Currency.Eur);

    public static EnergyPrice Min(EnergyPrice a, EnergyPrice b) => a <= b ? a : b;

    public static EnergyPrice Max(EnergyPrice a, EnergyPrice b) => a >= b ? a : b;

    public static EnergyPrice operator +(EnergyPrice a, EnergyPrice b) => new(a.PerMegawattHour + b.PerMegawattHour, Same(a, b));

    public static EnergyPrice operator -(EnergyPrice a, EnergyPrice b) => new(a.PerMegawattHour - b.PerMegawattHour, Same(a, b));

    public static EnergyPrice operator -(EnergyPrice a) => new(-a.PerMegawattHour, a.Currency);

    public static EnergyPrice operator *(EnergyPrice a, double factor) => new(a.PerMegawattHour * factor, a.Currency);

    public static EnergyPrice operator /(EnergyPrice a, double divisor) => new(a.PerMegawattHour / divisor, a.Currency);

    public static Money operator *(EnergyPrice price, EnergyAmount energy) => Money.Of(price.PerMegawattHour * energy.MegawattHours, price.Currency);

    public static bool operator <(EnergyPrice a, EnergyPrice b) => a.CompareTo(b) < 0;

    public static bool operator >(EnergyPrice a, EnergyPrice b) => a.CompareTo(b) > 0;

    public static bool operator <=(EnergyPrice a, EnergyPrice b) => a.CompareTo(b) <= 0;

    public static bool operator >=(EnergyPrice a, EnergyPrice b) => a.CompareTo(b) >= 0;

    public int CompareTo(EnergyPrice other) => Currency == other.Currency
        ? PerMegawattHour.CompareTo(other.PerMegawattHour)
        : throw Mismatch(this, other);

    public EnergyPrice Add(EnergyPrice other) => this + other;

    public EnergyPrice Subtract(EnergyPrice other) => this - other;

    public EnergyPrice Multiply(double factor) => this * factor;

    public EnergyPrice Divide(double divisor) => this / divisor;

    public EnergyPrice Negate() => -this;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{PerMegawattHour:0.##} {Currency.Code}/MWh");

    private static Currency Same(EnergyPrice a, EnergyPrice b) => a.Currency == b.Currency ? a.Currency : throw Mismatch(a, b);

    private static InvalidOperationException Mismatch(EnergyPrice a, EnergyPrice b) =>
        new($"Cannot combine {a} and {b}: convert one currency first.");
}
