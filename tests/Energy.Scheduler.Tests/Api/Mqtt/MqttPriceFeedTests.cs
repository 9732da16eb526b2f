using System.Globalization;
using System.Text;
using Energy.Contracts.Units;
using Energy.Scheduler.Api.Mqtt;
using Energy.Telemetry.Health;
using Energy.Telemetry.Prices;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Api.Mqtt;

/// <summary>
/// A price document over MQTT is checked as <see cref="PriceImportRules.ForMqtt"/>: every refusal is logged with its
/// reason and line and raised as <c>prices.refused</c>, and the prices held stay.
/// </summary>
public sealed class MqttPriceFeedTests
{
    /// <summary>10:00 in Berlin on 15 January: tomorrow ends at 2024-01-16T23:00Z.</summary>
    private static readonly DateTimeOffset Now = new(2024, 1, 15, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly CapturingLogger<FilePriceSource> _log = new();
    private readonly Alarms _alarms;
    private readonly FilePriceSource _prices;

    public MqttPriceFeedTests()
    {
        _alarms = new Alarms(_clock, new CapturingLogger<Alarms>());
        _prices = new FilePriceSource("day-ahead", PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), _log, null, _alarms, _clock, Currency.Eur);
    }

    private static string Csv(DateTimeOffset start, int hours, Func<int, string> price)
    {
        var sb = new StringBuilder("timestamp_utc,price_eur_per_mwh\n");
        for (var h = 0; h < hours; h++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{start.AddHours(h):yyyy-MM-ddTHH:mm:ssZ},{price(h)}\n");
        }

        return sb.ToString();
    }

    private bool Import(string document) =>
        MqttPriceFeed.Import(_prices, TestSites.Bathhouse(), Encoding.UTF8.GetBytes(document), "mqtt:heatgrid/bathhouse/prices/day-ahead", Now);

    [Fact]
    public void Import_TodayAndTomorrow_Taken()
    {
        Assert.True(Import(Csv(new DateTimeOffset(2024, 1, 14, 23, 0, 0, TimeSpan.Zero), 48, _ => "61.5")));

        Assert.Equal(48, _prices.History.Count);
        Assert.Empty(_alarms.Current());
    }

    [Theory]
    [InlineData("1e12", "outside the market's clearing-price limits")]
    [InlineData("-1000000000000", "outside the market's clearing-price limits")]
    [InlineData("4000.5", "outside the market's clearing-price limits")]
    [InlineData("NaN", "is not a finite price")]
    public void Import_ImplausiblePrice_RefusedLoggedWithItsLineAndAlarmed(string bad, string reason)
    {
        Assert.True(Import(Csv(new DateTimeOffset(2024, 1, 14, 23, 0, 0, TimeSpan.Zero), 24, _ => "50")));

        Assert.False(Import(Csv(new DateTimeOffset(2024, 1, 14, 23, 0, 0, TimeSpan.Zero), 24, h => h == 5 ? bad : "70")));

        var logged = Assert.Single(_log.WithEventId(1401));
        Assert.Contains("mqtt:heatgrid/bathhouse/prices/day-ahead:7: ", logged.Message, StringComparison.Ordinal);
        Assert.Contains(reason, logged.Message, StringComparison.Ordinal);
        Assert.Contains(_alarms.Current(), a => a.Key == "prices.refused" && a.Message.Contains(reason, StringComparison.Ordinal));
        Assert.Equal(EnergyPrice.EurPerMwh(50), _prices.History.PriceAt(new DateTimeOffset(2024, 1, 15, 3, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Import_ReachingBeyondTomorrow_Refused()
    {
        Assert.False(Import(Csv(new DateTimeOffset(2024, 1, 15, 0, 0, 0, TimeSpan.Zero), 24 * 3, _ => "50")));

        Assert.Contains("beyond what the day-ahead market can have published", Assert.Single(_log.WithEventId(1401)).Message, StringComparison.Ordinal);
        Assert.True(_prices.History.IsEmpty);
    }

    [Fact]
    public void Import_TooManyRowsOfHistory_Refused()
    {
        Assert.False(Import(Csv(new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero), PriceImportRules.MqttMaxRows + 1, _ => "50")));

        Assert.Contains($"more than {PriceImportRules.MqttMaxRows} rows", Assert.Single(_log.WithEventId(1401)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_LargerThanTheMqttBound_RefusedUnread()
    {
        var payload = new byte[PriceImportRules.MqttMaxBytes + 1];
        Array.Fill(payload, (byte)'x');

        Assert.False(MqttPriceFeed.Import(_prices, TestSites.Bathhouse(), payload, "mqtt:big", Now));

        Assert.Contains($"at most {PriceImportRules.MqttMaxBytes} bytes", Assert.Single(_log.WithEventId(1401)).Message, StringComparison.Ordinal);
        Assert.Contains(_alarms.Current(), a => a.Key == "prices.refused");
    }

    [Fact]
    public void Import_OtherCurrency_RefusedAndLogged()
    {
        Assert.False(Import(Csv(new DateTimeOffset(2024, 1, 15, 0, 0, 0, TimeSpan.Zero), 4, _ => "50").Replace("eur", "usd", StringComparison.Ordinal)));

        Assert.Single(_log.WithEventId(1601));
        Assert.Contains(_alarms.Current(), a => a.Key == "prices.refused");
    }
}
