using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>Charges per MWh imported on top of the spot price: network fees, levies and taxes.</summary>
public sealed record GridTariff(EnergyPrice NetworkFee, EnergyPrice Taxes)
{
    /// <summary>The all-in cost of a MWh imported at a given spot price. Negative spot prices stay negative.</summary>
    public EnergyPrice CostAt(EnergyPrice spot) => spot + NetworkFee + Taxes;
}
