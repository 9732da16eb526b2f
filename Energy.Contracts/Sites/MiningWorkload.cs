using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>
/// Mining (classic proof of work, or proof of useful work): paid per unit of work, which costs
/// <see cref="JoulesPerUnit"/> of GPU energy.
/// </summary>
/// <param name="Unit">The unit of work, e.g. "TH" (10^12 hashes) or "PoUW-ticket".</param>
/// <param name="JoulesPerUnit">GPU energy per unit of work at the pool's working point.</param>
/// <param name="RevenuePerUnit">What a unit of work earns.</param>
public sealed record MiningWorkload(
    string Name,
    IReadOnlyList<string> Pools,
    string Unit,
    double JoulesPerUnit,
    Money RevenuePerUnit) : Workload(Name, Pools)
{
    private const double JoulesPerMegawattHour = 3.6e9;

    public override WorkloadKind Kind => WorkloadKind.Mining;

    /// <summary>Revenue per MWh of GPU energy spent mining: comparable with the price of power.</summary>
    public EnergyPrice ValuePerMwh => EnergyPrice.PerMwh(RevenuePerUnit.Amount * JoulesPerMegawattHour / JoulesPerUnit, RevenuePerUnit.Currency);
}
