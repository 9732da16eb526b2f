using System.Globalization;

namespace Energy.Contracts.Units;

/// <summary>An amount of money in one currency. Adding amounts of two currencies is an error.</summary>
public readonly record struct Money : IComparable<Money>
{
    private Money(double amount, Currency currency)
    {
        Amount = UnitGuard.Finite(amount, currency.Code);
        Currency = currency;
    }

    public double Amount { get; }

    public Currency Currency { get; }

    public static Money Zero(Currency currency) => new(0, currency);

    public static Money Of(double amount, Currency currency) => new(amount, currency);

    public static Money Eur(double amount) => new(amount, Currency.Eur);

    public static Money operator +(Money a, Money b) => new(a.Amount + b.Amount, Same(a, b));

    public static Money operator -(Money a, Money b) => new(a.Amount - b.Amount, Same(a, b));

    public static Money operator -(Money a) => new(-a.Amount, a.Currency);

    public static Money operator *(Money a, double factor) => new(a.Amount * factor, a.Currency);

    public static Money operator *(double factor, Money a) => new(a.Amount * factor, a.Currency);

    public static Money operator /(Money a, double divisor) => new(a.Amount / divisor, a.Currency);

    public static bool operator <(Money a, Money b) => a.CompareTo(b) < 0;

    public static bool operator >(Money a, Money b) => a.CompareTo(b) > 0;

    public static bool operator <=(Money a, Money b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Money a, Money b) => a.CompareTo(b) >= 0;

    public int CompareTo(Money other) => Amount.CompareTo(other.Amount) is var c && Currency == other.Currency
        ? c
        : throw CurrencyMismatch(this, other);

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public Money Multiply(double factor) => this * factor;

    public Money Divide(double divisor) => this / divisor;

    public Money Negate() => -this;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Amount:0.00} {Currency.Code}");

    private static Currency Same(Money a, Money b) => a.Currency == b.Currency ? a.Currency : throw CurrencyMismatch(a, b);

    private static InvalidOperationException CurrencyMismatch(Money a, Money b) =>
        new($"Cannot combine {a} and {b}: convert one currency first.");
}
