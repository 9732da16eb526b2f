namespace Energy.Contracts.Units;

/// <summary>An ISO 4217 currency code (EUR, USD, SEK…). Amounts in different currencies never mix.</summary>
public readonly record struct Currency
{
    private readonly string? _code;

    private Currency(string code) => _code = code;

    public static Currency Eur { get; } = new("EUR");

    public static Currency Usd { get; } = new("USD");

    public string Code => _code ?? "EUR";

    public static Currency Parse(string code)
    {
        if (!TryParse(code, out var currency))
        {
            throw new FormatException($"'{code}' is not a three-letter ISO 4217 currency code such as EUR or USD.");
        }

        return currency;
    }

    public static bool TryParse(string? code, out Currency currency)
    {
        currency = default;
        if (code is null || code.Length != 3 || !code.All(char.IsAsciiLetter))
        {
            return false;
        }

        currency = new Currency(code.ToUpperInvariant());
        return true;
    }

    /// <summary>Equal by code; <c>default(Currency)</c> is EUR, so a default amount adds to euros.</summary>
    public bool Equals(Currency other) => string.Equals(Code, other.Code, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Code);

    public override string ToString() => Code;
}
