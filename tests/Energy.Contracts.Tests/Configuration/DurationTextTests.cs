using Energy.Contracts.Configuration;

namespace Energy.Contracts.Tests.Configuration;

public class DurationTextTests
{
    public static TheoryData<string, TimeSpan> ValidDurations() => new()
    {
        { "500ms", TimeSpan.FromMilliseconds(500) },
        { "30s", TimeSpan.FromSeconds(30) },
        { "30sec", TimeSpan.FromSeconds(30) },
        { "15m", TimeSpan.FromMinutes(15) },
        { "15min", TimeSpan.FromMinutes(15) },
        { "2h", TimeSpan.FromHours(2) },
        { "1d", TimeSpan.FromDays(1) },
        { "1.5h", TimeSpan.FromMinutes(90) },
        { " 15 m ", TimeSpan.FromMinutes(15) },
        { "0s", TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(ValidDurations))]
    public void TryParse_NumberAndUnit_GivesTheDuration(string text, TimeSpan expected)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(expected, duration);
    }

    [Theory]
    [MemberData(nameof(ValidDurations))]
    public void Parse_NumberAndUnit_AgreesWithTryParse(string text, TimeSpan expected)
    {
        Assert.Equal(expected, DurationText.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("15")]
    [InlineData("m")]
    [InlineData("15x")]
    [InlineData("15 fortnights")]
    [InlineData("-5s")]
    [InlineData("1.2.3s")]
    [InlineData("1e3s")]
    [InlineData("15M")]
    [InlineData("99999999999d")]
    public void TryParse_NotADuration_ReturnsFalseAndZero(string? text)
    {
        Assert.False(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Fact]
    public void Parse_NotADuration_ThrowsFormatExceptionNamingTheText()
    {
        var e = Assert.Throws<FormatException>(() => DurationText.Parse("soon"));

        Assert.Contains("'soon'", e.Message, StringComparison.Ordinal);
    }
}
