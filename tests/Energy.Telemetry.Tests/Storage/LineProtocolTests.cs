using System.Text;
using Energy.Telemetry.Storage;

namespace Energy.Telemetry.Tests.Storage;

public class LineProtocolTests
{
    private static readonly DateTimeOffset At = new(2024, 7, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Line(TimeSeriesPoint point)
    {
        var sb = new StringBuilder();
        LineProtocol.Append(sb, point);
        return sb.ToString();
    }

    private static TimeSeriesPoint Point(string measurement = "heat", string field = "demandKw", double value = 412.5, DateTimeOffset? at = null, params (string Key, string Value)[] tags) =>
        new(measurement, tags.Select(t => KeyValuePair.Create(t.Key, t.Value)).ToList(), field, value, at ?? At);

    [Fact]
    public void Append_PlainPoint_MeasurementTagsFieldTimestampNewline()
    {
        var line = Line(Point(tags: [("loop", "bath"), ("site", "bathhouse")]));

        Assert.Equal("heat,loop=bath,site=bathhouse demandKw=412.5 1719835200000000000\n", line);
    }

    [Fact]
    public void Append_NoTags_MeasurementThenField()
    {
        Assert.Equal("heat demandKw=412.5 1719835200000000000\n", Line(Point()));
    }

    [Fact]
    public void Append_MeasurementWithSpaceCommaEquals_EscapesSpaceAndCommaOnly()
    {
        var line = Line(Point(measurement: "gpu power,a=b"));

        Assert.StartsWith(@"gpu\ power\,a=b demandKw=", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_TagKeyAndValueWithSpecials_EscapesSpaceCommaAndEquals()
    {
        var line = Line(Point(tags: [("gpu model", "H100 SXM,80GB=x")]));

        Assert.StartsWith(@"heat,gpu\ model=H100\ SXM\,80GB\=x demandKw=", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_FieldKeyWithSpecials_EscapesSpaceCommaAndEquals()
    {
        var line = Line(Point(field: "power kW,a=b"));

        Assert.Equal("heat power\\ kW\\,a\\=b=412.5 1719835200000000000\n", line);
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(-3.5, "-3.5")]
    [InlineData(5, "5")]
    [InlineData(1234567.891, "1234567.891")]
    public void Append_Value_RoundTripInvariantFormat(double value, string expected)
    {
        var line = Line(Point(value: value));

        Assert.Contains($" demandKw={expected} ", line, StringComparison.Ordinal);
        Assert.Equal(value, double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Append_TimestampWithOffset_NanosecondsOfTheUtcInstant()
    {
        var local = new DateTimeOffset(2024, 7, 1, 14, 0, 0, 250, TimeSpan.FromHours(2));

        var line = Line(Point(at: local));

        Assert.EndsWith(" 1719835200250000000\n", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_TwoPoints_TwoLines()
    {
        var sb = new StringBuilder();

        LineProtocol.Append(sb, Point(value: 1));
        LineProtocol.Append(sb, Point(value: 2, at: At.AddSeconds(1)));

        Assert.Equal(["heat demandKw=1 1719835200000000000", "heat demandKw=2 1719835201000000000", ""], sb.ToString().Split('\n'));
    }

    [Fact]
    public void Append_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => LineProtocol.Append(null!, Point()));
        Assert.Throws<ArgumentNullException>(() => LineProtocol.Append(new StringBuilder(), null!));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Append_NotAFiniteNumber_WritesNothingAndSaysSo(double value)
    {
        var sb = new StringBuilder();

        Assert.False(LineProtocol.Append(sb, Point(value: value)));
        Assert.Equal(0, sb.Length);
    }

    [Fact]
    public void Append_SubMillisecondInstant_KeepsTheTicksAsNanoseconds()
    {
        var line = Line(Point(at: At.AddTicks(1_234)));

        Assert.EndsWith(" 1719835200000123400\n", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_LineBreakInATag_BecomesAnEscapedSpace()
    {
        var line = Line(Point(tags: [("site", "bath\nhouse")]));

        Assert.StartsWith("heat,site=bath\\ house ", line, StringComparison.Ordinal);
    }
}
