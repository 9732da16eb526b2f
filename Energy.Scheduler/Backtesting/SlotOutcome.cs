namespace Energy.Scheduler.Backtesting;

/// <summary>What happened in one slot when a decision met reality: powers (kW, slot means), the tank, and money (site currency).</summary>
public sealed record SlotOutcome(
    DateTimeOffset Start,
    double SpotPerMwh,
    double GridImportKw,
    double[] PowerByWorkloadKw,
    double HeatDemandKw,
    double HeatDeliveredKw,
    double HeatFromGpusKw,
    double BoilerKw,
    double ShortfallKw,
    double StoredKwh,
    double InferenceRevenue,
    double MiningRevenue,
    double HeatRevenue,
    double GridCost,
    double FuelCost,
    double ShortfallPenalty,
    bool CapExceeded)
{
    /// <summary>Each loop's meters, in the site's loop order.</summary>
    public IReadOnlyList<LoopHeatOutcome> Loops { get; init; } = [];

    /// <summary>The operator limits that changed or held this slot's decision (<see cref="OperatorRules"/>).</summary>
    public PolicyLimits Limits { get; init; }

    public double Profit => InferenceRevenue + MiningRevenue + HeatRevenue - GridCost - FuelCost - ShortfallPenalty;
}
