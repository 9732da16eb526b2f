namespace Energy.Scheduler.Backtesting;

/// <summary>How a backtest runs. Defaults: the whole price series, a 48-hour horizon re-planned every slot, prices published at 12:00 the day before.</summary>
public sealed record BacktestOptions
{
    /// <summary>First instant simulated (rounded down to a slot); null = the first price slot.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>End of the simulation (exclusive); null = the end of the price series.</summary>
    public DateTimeOffset? Until { get; init; }

    public TimeSpan Horizon { get; init; } = TimeSpan.FromHours(48);

    /// <summary>Local market time on D−1 from which the prices of day D are known.</summary>
    public TimeOnly PublicationTime { get; init; } = new(12, 0);

    /// <summary>Strike price of the curtailment baseline (site currency per MWh); null = the mining break-even.</summary>
    public double? StrikePerMwh { get; init; }

    /// <summary>Consecutive slots above the strike price before the curtailment baseline switches off.</summary>
    public int CurtailAfterSlots { get; init; } = 2;

    /// <summary>Consecutive slots below the strike price before it switches back on.</summary>
    public int ResumeAfterSlots { get; init; } = 2;

    /// <summary>Whether to price each binding operator limit (<see cref="PolicyCost"/>): one more perfect-foresight run per limit that bound.</summary>
    public bool PolicyCosts { get; init; } = true;

    /// <summary>Planners without the tenants' SLA floor, for pricing the SLA minimums; null leaves that limit unpriced.</summary>
    public Func<Planning.IPlanner>? SlaFreePlanners { get; init; }
}
