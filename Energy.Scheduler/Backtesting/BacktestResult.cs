namespace Energy.Scheduler.Backtesting;

/// <summary>A finished backtest: HeatGrid with honest forecasts, the same planner with perfect foresight, and the baselines.</summary>
public sealed record BacktestResult(
    string Site,
    string Planner,
    BacktestSeries Series,
    BacktestOptions Options,
    BacktestRun HeatGrid,
    BacktestRun PerfectForesight,
    IReadOnlyList<BacktestRun> Baselines,
    IReadOnlyList<double> SolveMs,
    double WallSeconds)
{
    /// <summary>
    /// How far any strategy may end above perfect foresight before the backtest calls it a bug: the LP's
    /// relative tolerance (1e-6) on perfect foresight's gross money flows (every revenue and cost, summed
    /// unsigned), at least 1 unit of the site currency.
    /// </summary>
    public const double UpperBoundRelativeTolerance = 1e-6;

    /// <summary>Workload names in the order of <see cref="SlotOutcome.PowerByWorkloadKw"/>.</summary>
    public IReadOnlyList<string> WorkloadNames { get; init; } = [];

    /// <summary>What each operator limit that bound cost (perfect foresight with it relaxed minus without).</summary>
    public IReadOnlyList<PolicyCost> PolicyCosts { get; init; } = [];

    /// <summary>Wall time of the policy-cost runs, beside <see cref="WallSeconds"/> (HeatGrid, perfect foresight and the rules).</summary>
    public double PolicyCostsWallSeconds { get; init; }

    public int Replans => SolveMs.Count;

    public double RatioToPerfectForesight => PerfectForesight.Profit != 0 ? HeatGrid.Profit / PerfectForesight.Profit : double.NaN;

    public BacktestRun AlwaysOn => Baselines[0];

    /// <summary>The rule (baseline) that earned most.</summary>
    public BacktestRun BestRule => Baselines.MaxBy(b => b.Profit)!;

    /// <summary>(HeatGrid − always on) / (perfect foresight − always on): the share of the value at stake HeatGrid captured.</summary>
    public double CaptureOfValueAtStake => Capture(AlwaysOn.Profit);

    /// <summary>(HeatGrid − best rule) / (perfect foresight − best rule): what HeatGrid adds over the best simple rule, against what could be added.</summary>
    public double CaptureVsBestRule => Capture(BestRule.Profit);

    /// <summary>The money a strategy may end above perfect foresight before it counts as a broken bound.</summary>
    public double UpperBoundTolerance => Math.Max(1, UpperBoundRelativeTolerance * PerfectForesight.Slots.Sum(s =>
        Math.Abs(s.InferenceRevenue) + Math.Abs(s.MiningRevenue) + Math.Abs(s.HeatRevenue) + Math.Abs(s.GridCost) + Math.Abs(s.FuelCost) + Math.Abs(s.ShortfallPenalty)));

    /// <summary>
    /// Strategies that beat perfect foresight by more than <see cref="UpperBoundTolerance"/>: a bug in the model,
    /// the executor or the rule. Each names the slots where it gained most on perfect foresight.
    /// </summary>
    public IReadOnlyList<UpperBoundBreach> UpperBoundBreaches
    {
        get
        {
            var breaches = new List<UpperBoundBreach>();
            foreach (var run in Baselines.Prepend(HeatGrid))
            {
                var excess = run.Profit - PerfectForesight.Profit;
                if (excess <= UpperBoundTolerance)
                {
                    continue;
                }

                var slots = run.Slots.Select((s, k) => new SlotGain(s.Start, s.Profit - PerfectForesight.Slots[k].Profit))
                    .Where(g => g.Gain > 0)
                    .OrderByDescending(g => g.Gain)
                    .Take(10)
                    .ToList();
                breaches.Add(new UpperBoundBreach(run.Name, excess, slots));
            }

            return breaches;
        }
    }

    public double SolveMsPercentile(double p)
    {
        if (SolveMs.Count == 0)
        {
            return 0;
        }

        var sorted = SolveMs.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private double Capture(double reference)
    {
        var stake = PerfectForesight.Profit - reference;
        return Math.Abs(stake) > 1e-9 ? (HeatGrid.Profit - reference) / stake : double.NaN;
    }
}

/// <summary>A strategy that ended above perfect foresight by <paramref name="Excess"/>, and where it gained most.</summary>
public sealed record UpperBoundBreach(string Strategy, double Excess, IReadOnlyList<SlotGain> Slots);

/// <summary>One slot's profit of a strategy minus perfect foresight's.</summary>
public sealed record SlotGain(DateTimeOffset Start, double Gain);
