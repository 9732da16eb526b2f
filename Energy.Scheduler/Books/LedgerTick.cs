namespace Energy.Scheduler.Books;

/// <summary>What the recorder read at one tick: the fleet's counters, the meters, the slot and its prices.</summary>
/// <param name="Now">When it was read.</param>
/// <param name="SlotStart">The market slot covering <paramref name="Now"/> (the plan's, else the hour).</param>
/// <param name="SlotEnd">Its end.</param>
/// <param name="SpotPricePerMwh">The slot's day-ahead price; null where unknown.</param>
/// <param name="AllInPricePerMwh">Spot with fees and taxes.</param>
/// <param name="Gpus">Every GPU the fleet knows.</param>
/// <param name="Import">The site meter.</param>
/// <param name="Loops">Each heat loop's meters, by loop name.</param>
/// <param name="CurtailmentIds">Demand-response curtailments in force.</param>
public sealed record LedgerTick(
    DateTimeOffset Now,
    DateTimeOffset SlotStart,
    DateTimeOffset SlotEnd,
    double? SpotPricePerMwh,
    double? AllInPricePerMwh,
    IReadOnlyList<LedgerGpuReading> Gpus,
    LedgerMeterReading Import,
    IReadOnlyDictionary<string, LedgerLoopReading> Loops,
    IReadOnlyList<string> CurtailmentIds)
{
    /// <summary>Live mining values per MWh of GPU energy, keyed <c>workload␟pool</c>; null: every workload's constant.</summary>
    public IReadOnlyDictionary<string, double>? MiningValues { get; init; }
}

/// <summary>One GPU at a tick: its counter (null while its agent is offline or it has not reported) and the workload it runs (null: idle).</summary>
public sealed record LedgerGpuReading(string Gpu, string Pool, string? Workload, double? CounterKwh);

/// <summary>A signal's value where it was Good (and fresh), else null with why not.</summary>
public readonly record struct LedgerValue(double? Value, string? Problem)
{
    public static LedgerValue Good(double value) => new(value, null);

    public static LedgerValue Missing(string problem) => new(null, problem);
}

/// <summary>A meter: its energy register and the power it measures.</summary>
public sealed record LedgerMeterReading(string RegisterSignal, LedgerValue Register, string PowerSignal, LedgerValue PowerKw);

/// <summary>A heat loop's meters: the heat meter (register and power), supply temperature, boiler and dry cooler.</summary>
public sealed record LedgerLoopReading(LedgerMeterReading Heat, LedgerValue SupplyTemperatureC, LedgerValue BoilerKw, LedgerValue DumpedKw);
