using Energy.Contracts.Units;

namespace Energy.Contracts.Planning;

/// <summary>One market interval of a plan: power per pool and workload, heat per loop, and why.</summary>
/// <param name="SpotPrice">Day-ahead price of the slot.</param>
/// <param name="ImportCost">All-in price of a MWh imported (spot + fees + taxes).</param>
/// <param name="GridImport">Planned grid import, base load and cooling included.</param>
/// <param name="Explanations">Why the plan does what it does, in the operator's words.</param>
/// <param name="Violations">Limits the plan could not meet, with how much; empty when all held.</param>
public sealed record PlanSlot(
    DateTimeOffset Start,
    TimeSpan Length,
    EnergyPrice SpotPrice,
    EnergyPrice ImportCost,
    IReadOnlyList<PoolAllocation> Allocations,
    IReadOnlyList<HeatDispatch> Heat,
    Power GridImport,
    IReadOnlyList<string> Explanations,
    IReadOnlyList<string> Violations);
