using Energy.Contracts.Prices;
using static Energy.Contracts.Tests.Configuration.SiteFileAssert;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>The optional <c>market</c> section: the day-ahead market's clearing-price limits, SDAC's by default.</summary>
public sealed class SiteFileMarketTests
{
    private const string Yaml = """
        site: { name: s, timeZone: UTC, currency: USD }
        grid: { importCapKw: 100 }
        pools:
          - { name: p, gpuModel: H100, count: 1, minPowerW: 200, idlePowerW: 80, maxPowerW: 700 }
        workloads:
          - { name: h, kind: heater }
        MARKET
        """;

    private static string With(string market) => Yaml.Replace("MARKET", market, StringComparison.Ordinal);

    [Fact]
    public void Parse_NoMarketSection_SdacLimits()
    {
        var result = Parse(With(string.Empty));

        Valid(result);
        Assert.Equal(new PriceLimits(-500, 4000), result.Site!.PriceLimits);
    }

    [Fact]
    public void Parse_PriceLimits_TakenInTheSiteCurrency()
    {
        var result = Parse(With("market:\n  priceLimits: { min: -250, max: 5000 }"));

        Valid(result);
        Assert.Equal(new PriceLimits(-250, 5000), result.Site!.PriceLimits);
    }

    [Fact]
    public void Parse_MaxNotAboveMin_ErrorAtMax()
    {
        SingleError(Parse(With("market:\n  priceLimits: { min: 100, max: 100 }")), 8, 33, "market.priceLimits.max", "must be above the minimum (100 USD/MWh)");
    }

    [Fact]
    public void Parse_AbsurdLimit_ErrorWithItsPlace()
    {
        SingleError(Parse(With("market:\n  priceLimits: { min: -500, max: 1e12 }")), 8, 34, "market.priceLimits.max", "expected a number (USD/MWh)");
    }

    [Fact]
    public void Parse_MissingMin_Error()
    {
        SingleError(Parse(With("market:\n  priceLimits: { max: 4000 }")), 8, 16, "market.priceLimits.min", "USD/MWh");
    }

    [Fact]
    public void Parse_UnknownMarketKey_Error()
    {
        SingleError(Parse(With("market:\n  priceLimit: { min: -500, max: 4000 }")), 8, 3, "market.priceLimit", "priceLimits");
    }
}
