using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Units;

public class CurrencyTests
{
    [Theory]
    [InlineData("EUR")]
    [InlineData("eur")]
    [InlineData("Eur")]
    public void Parse_AnyCase_GivesUpperCaseCode(string code)
    {
        var currency = Currency.Parse(code);

        Assert.Equal("EUR", currency.Code);
        Assert.Equal(Currency.Eur, currency);
    }

    [Fact]
    public void Parse_OtherCode_IsNotEur()
    {
        var sek = Currency.Parse("SEK");

        Assert.Equal("SEK", sek.ToString());
        Assert.NotEqual(Currency.Eur, sek);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("EU")]
    [InlineData("EURO")]
    [InlineData("E1R")]
    [InlineData("€€€")]
    public void TryParse_NotThreeAsciiLetters_ReturnsFalse(string? code)
    {
        Assert.False(Currency.TryParse(code, out _));
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException()
    {
        var e = Assert.Throws<FormatException>(() => Currency.Parse("euro"));

        Assert.Contains("euro", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_DefaultCurrency_ReadsAsEur()
    {
        Assert.Equal("EUR", default(Currency).Code);
    }

    [Fact]
    public void Equals_DefaultCurrencyAndEur_AreEqual()
    {
        Assert.Equal(Currency.Eur, default(Currency));
    }
}
