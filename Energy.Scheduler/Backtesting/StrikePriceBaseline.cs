using Energy.Contracts.Planning;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Backtesting;

/// <summary>
/// The curtailment rule mining fleets use: run like <see cref="AlwaysOnBaseline"/>; after
/// <see cref="CurtailAfter"/> consecutive slots priced above the strike price, switch the
/// interruptible work (mining, heater) off from the next slot; after <see cref="ResumeAfter"/>
/// consecutive slots below it, switch it back on from the next slot. The tenant's inference is
/// contracted and keeps running. While GPUs are off the boiler carries the heat. The strike is fixed
/// (<c>--strike</c>) or, by default, mining's break-even in each slot (it moves with a hashprice series).
/// The operator's rules then apply as to every strategy (<see cref="OperatorRules"/>).
/// </summary>
public sealed class StrikePriceBaseline : IBaselinePolicy
{
    private readonly AlwaysOnBaseline _on;
    private readonly Site _site;
    private readonly bool _breakEven;
    private int _high;
    private int _low;

    /// <summary>A rule with a fixed strike price.</summary>
    public StrikePriceBaseline(Site site, double strikePerMwh, int curtailAfter, int resumeAfter)
        : this(site, strikePerMwh, curtailAfter, resumeAfter, breakEven: false)
    {
    }

    private StrikePriceBaseline(Site site, double strikePerMwh, int curtailAfter, int resumeAfter, bool breakEven)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentOutOfRangeException.ThrowIfLessThan(curtailAfter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(resumeAfter, 1);
        _on = new AlwaysOnBaseline(site);
        _site = site;
        _breakEven = breakEven;
        StrikePerMwh = strikePerMwh;
        CurtailAfter = curtailAfter;
        ResumeAfter = resumeAfter;
    }

    public string Name => _breakEven
        ? $"strike price at mining break-even (off after {CurtailAfter} above, on after {ResumeAfter} below)"
        : $"strike price {StrikePerMwh:0.#}/MWh (off after {CurtailAfter} above, on after {ResumeAfter} below)";

    /// <summary>The strike in force: the fixed one, or the break-even of the last slot decided.</summary>
    public double StrikePerMwh { get; private set; }

    /// <summary>A rule whose strike is mining's break-even in each slot (<see cref="BreakEvenStrike(Site, BaselineSlot?)"/>).</summary>
    public static StrikePriceBaseline AtBreakEven(Site site, int curtailAfter, int resumeAfter) =>
        new(site, BreakEvenStrike(site), curtailAfter, resumeAfter, breakEven: true);

    public int CurtailAfter { get; }

    public int ResumeAfter { get; }

    /// <summary>Whether interruptible work runs in the slot being decided.</summary>
    public bool Running { get; private set; } = true;

    /// <summary>
    /// The spot price at which the best interruptible workload stops paying for its own power:
    /// value per MWh of GPU energy / (1 + cooling) − network fee − taxes. The classic mining strike;
    /// it ignores the heat's value, as mining fleets without heat customers do.
    /// </summary>
    /// <param name="site">The site.</param>
    /// <param name="slot">The slot whose mining value counts; null for each workload's constant.</param>
    public static double BreakEvenStrike(Site site, BaselineSlot? slot = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        var fees = site.Grid.Tariff.NetworkFee.PerMegawattHour + site.Grid.Tariff.Taxes.PerMegawattHour;
        var best = site.Pools
            .SelectMany(p => site.Workloads.OfType<MiningWorkload>().Where(m => m.MayRunOn(p))
                .Select(m => (slot?.MiningValue(m, p) ?? m.ValuePerMwh.PerMegawattHour) / p.GridFactor))
            .DefaultIfEmpty(fees)
            .Max();
        return best - fees;
    }

    public IReadOnlyList<PoolAllocation> Decide(BaselineSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var spotPerMwh = slot.SpotPerMwh;
        if (_breakEven)
        {
            StrikePerMwh = BreakEvenStrike(_site, slot);
        }

        var decision = _on.Allocate(slot, includeFiller: Running);

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
