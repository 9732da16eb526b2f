using Energy.Contracts.Prices;

namespace Energy.Contracts.Configuration;

/// <summary>The optional <c>market</c> section: what the day-ahead market can publish.</summary>
internal sealed partial class SiteFileReader
{
    /// <summary>
    /// <c>market.priceLimits: { min, max }</c> in the site currency per MWh: the market's harmonised
    /// minimum and maximum clearing prices. Left out, SDAC's (−500 … +4,000 EUR/MWh).
    /// </summary>
    private PriceLimits Market(YamlSection? market)
    {
        if (market is null)
        {
            return PriceLimits.Sdac;
        }

        var limits = market.Section("priceLimits", required: false);
        market.Complete();
        if (limits is null)
        {
            return PriceLimits.Sdac;
        }

        var unit = $"{_currency}/MWh";
        var bound = PriceLimits.MaxMagnitudePerMwh;
        var min = limits.Number("min", unit, min: -bound, max: bound);
        var max = limits.Number("max", unit, min: -bound, max: bound);
        limits.Complete();
        if (min is null || max is null)
        {
            return PriceLimits.Sdac;
        }

        if (min.Value >= max.Value)
        {
            limits.ErrorAt("max", $"the maximum clearing price ({max.Value} {unit}) must be above the minimum ({min.Value} {unit})");
            return PriceLimits.Sdac;
        }

        return new PriceLimits(min.Value, max.Value);
    }
}
