using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Units;

public class MoneyTests
{
    [Fact]
    public void Add_SameCurrency_SumsAmounts()
    {
        var sum = Money.Eur(10.5) + Money.Eur(-3);

        Assert.Equal(7.5, sum.Amount);
        Assert.Equal(Currency.Eur, sum.Currency);
    }

    [Fact]
    public void Add_DifferentCurrencies_ThrowsInvalidOperation()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Money.Eur(1) + Money.Of(1, Currency.Usd));

        Assert.Contains("EUR", e.Message, StringComparison.Ordinal);
        Assert.Contains("USD", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subtract_DifferentCurrencies_ThrowsInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => Money.Eur(1) - Money.Of(1, Currency.Usd));
    }

    [Fact]
    public void Compare_DifferentCurrencies_ThrowsInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => Money.Eur(1) < Money.Of(2, Currency.Usd));
    }

    [Fact]
    public void Operators_ScaleNegateSubtract_KeepTheCurrency()
    {
        var usd = Money.Of(12, Currency.Usd);

        Assert.Equal(Money.Of(24, Currency.Usd), usd * 2);
        Assert.Equal(Money.Of(24, Currency.Usd), 2 * usd);
        Assert.Equal(Money.Of(3, Currency.Usd), usd / 4);
        Assert.Equal(Money.Of(-12, Currency.Usd), -usd);
        Assert.Equal(Money.Of(2, Currency.Usd), usd - Money.Of(10, Currency.Usd));
    }

    [Fact]
    public void Comparisons_SameCurrency_OrderByAmount()
    {
        Assert.True(Money.Eur(-1) < Money.Eur(0));
        Assert.True(Money.Eur(5) > Money.Eur(4.99));
        Assert.True(Money.Eur(5) >= Money.Eur(5));
        Assert.True(Money.Eur(5) <= Money.Eur(5));
        Assert.Equal(0, Money.Eur(5).CompareTo(Money.Eur(5)));
    }

    [Fact]
    public void Equals_SameAmountDifferentCurrency_AreNotEqual()
    {
        Assert.NotEqual(Money.Eur(5), Money.Of(5, Currency.Usd));
        Assert.Equal(Money.Zero(Currency.Usd), Money.Of(0, Currency.Usd));
    }

    [Theory]
    [InlineData(1234.5, "1234.50 EUR")]
    [InlineData(-3.456, "-3.46 EUR")]
    [InlineData(0, "0.00 EUR")]
    public void ToString_TwoDecimalsAndCode_InvariantCulture(double amount, string expected)
    {
        Assert.Equal(expected, Money.Eur(amount).ToString());
    }

    [Fact]
    public void Add_DefaultMoneyAndEuros_SumsAsEuros()
    {
        var total = default(Money);

        total += Money.Eur(5);

        Assert.Equal(Money.Eur(5), total);
    }
}
