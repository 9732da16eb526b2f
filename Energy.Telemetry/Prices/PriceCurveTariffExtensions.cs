using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Telemetry.Prices;

/// <summary>From the exchange price to what a MWh costs the site.</summary>
public static class PriceCurveTariffExtensions
{
    /// <summary>
    /// The all-in curve: <see cref="GridTariff.CostAt"/> (spot + network fee + taxes) per slot. A
    /// negative spot price stays negative where the fees do not outweigh it; the slots are the same.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tariff is in another currency than the prices.</exception>
    public static PriceCurve WithTariff(this PriceCurve curve, GridTariff tariff)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(tariff);
        var prices = new EnergyPrice[curve.Prices.Count];
        for (var i = 0; i < prices.Length; i++)
        {
            prices[i] = tariff.CostAt(curve.Prices[i]);
        }

        return curve with { Prices = prices };
    }
}
