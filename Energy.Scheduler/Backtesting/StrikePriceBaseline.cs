using Energy.Contracts.Planning;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Backtesting;

/// <summary>
/// The curtailment rule mining fleets use: run like <see cref="AlwaysOnBaseline"/>; after
/// <see cref="CurtailAfter"/> consecutive slots priced above the strike price, switch the
/// interruptible work (mining, heater) off from the next slot; after <see cref="ResumeAfter"/>
/// consecutive slots below it, switch it back on from the next slot. The tenant's inference is
/// contracted and keeps running. While GPUs are off the boiler carries the heat.
/// </summary>
public sealed class StrikePriceBaseline : IBaselinePolicy
{
    private readonly AlwaysOnBaseline _on;
    private int _high;
    private int _low;

    public StrikePriceBaseline(Site site, double strikePerMwh, int curtailAfter, int resumeAfter)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentOutOfRangeException.ThrowIfLessThan(curtailAfter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(resumeAfter, 1);
        _on = new AlwaysOnBaseline(site);
        StrikePerMwh = strikePerMwh;
        CurtailAfter = curtailAfter;
        ResumeAfter = resumeAfter;
    }

    public string Name => $"strike price {StrikePerMwh:0.#}/MWh (off after {CurtailAfter} above, on after {ResumeAfter} below)";

    public double StrikePerMwh { get; }

    public int CurtailAfter { get; }

    public int ResumeAfter { get; }

    /// <summary>Whether interruptible work runs in the slot being decided.</summary>
    public bool Running { get; private set; } = true;

    /// <summary>
    /// The spot price at which the best interruptible workload stops paying for its own power:
    /// value per MWh of GPU energy / (1 + cooling) − network fee − taxes. The classic mining strike;
    /// it ignores the heat's value, as mining fleets without heat customers do.
    /// </summary>
    public static double BreakEvenStrike(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var fees = site.Grid.Tariff.NetworkFee.PerMegawattHour + site.Grid.Tariff.Taxes.PerMegawattHour;
        var best = site.Pools
            .SelectMany(p => site.Workloads.OfType<MiningWorkload>().Where(m => m.MayRunOn(p)).Select(m => m.ValuePerMwh.PerMegawattHour / p.GridFactor))
            .DefaultIfEmpty(fees)
            .Max();
        return best - fees;
    }

    public IReadOnlyList<PoolAllocation> Decide(DateTimeOffset slotStart, double spotPerMwh)
    {
        var decision = _on.Allocate(slotStart, includeFiller: Running);

        // This slot's price counts towards the state of the slots after it.
        if (Running)
        {
            _high = spotPerMwh > StrikePerMwh ? _high + 1 : 0;
            if (_high >= CurtailAfter)
            {
                Running = false;
                _low = 0;
            }
        }
        else
        {
            _low = spotPerMwh < StrikePerMwh ? _low + 1 : 0;
            if (_low >= ResumeAfter)
            {
                Running = true;
                _high = 0;
            }
        }

        return decision;
    }
}
