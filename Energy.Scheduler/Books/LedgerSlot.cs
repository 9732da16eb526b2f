namespace Energy.Scheduler.Books;

/// <summary>How a figure of the books was obtained: from a counter, by integrating a measured power, or from HeatGrid's model.</summary>
public enum EnergyBasis
{
    /// <summary>The difference of a monotonic energy counter (NVML total energy, a meter's energy register).</summary>
    Counter,

    /// <summary>A measured power integrated over time (no energy register, or the register was Bad).</summary>
    Integrated,

    /// <summary>HeatGrid's model (no measurement at all).</summary>
    Model,
}

/// <summary>
/// One market slot of the energy ledger, the unit of the books: what the site drew and paid, what each
/// workload (tenant) and GPU used and earned, and what each heat loop delivered. Written once when the slot
/// ends (idempotent on replay); the slot in progress is readable with <see cref="Closed"/> false.
/// </summary>
/// <param name="Start">Slot start (UTC instant).</param>
/// <param name="End">Slot end.</param>
/// <param name="Closed">False for the slot in progress: its figures so far.</param>
/// <param name="CoveredSeconds">Seconds of the slot HeatGrid observed (less after a start mid-slot or a restart's gap).</param>
/// <param name="Site">The whole site's line.</param>
/// <param name="Workloads">One line per workload (and "idle"), tenants named.</param>
/// <param name="Gpus">One line per GPU and workload it ran in the slot (a GPU moved between workloads has several).</param>
/// <param name="HeatLoops">One line per heat loop.</param>
public sealed record LedgerSlot(
    DateTimeOffset Start,
    DateTimeOffset End,
    bool Closed,
    double CoveredSeconds,
    SiteLedgerLine Site,
    IReadOnlyList<WorkloadLedgerLine> Workloads,
    IReadOnlyList<GpuLedgerLine> Gpus,
    IReadOnlyList<HeatLoopLedgerLine> HeatLoops)
{
    /// <summary>Why figures of this slot are estimates (inputs that were Bad or missing): empty when every figure was measured.</summary>
    public IReadOnlyList<string> EstimatedReasons { get; init; } = [];

    /// <summary>What happened to the counters that the books handled (a reset, a gap): shown, not an estimate by itself.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    public bool Estimated => EstimatedReasons.Count > 0;
}

/// <summary>The site in one slot. Money in the site's currency.</summary>
/// <param name="ImportKwh">What the site imported: the meter's energy register where there is one, else <see cref="ImportBasis"/> says how.</param>
/// <param name="ImportBasis">How <paramref name="ImportKwh"/> was obtained.</param>
/// <param name="ImportMeteredKwh">The site meter's energy-register difference; null without a register.</param>
/// <param name="ImportModelKwh">HeatGrid's model of the import (GPUs with cooling plus the configured base load), beside the meter.</param>
/// <param name="GpuKwh">The GPUs' energy counters, summed.</param>
/// <param name="CoolingKwh">The cooling the pools draw for that GPU energy.</param>
/// <param name="BaseLoadKwh">The configured base load over the covered time.</param>
/// <param name="ReconciliationGapKwh">Metered import minus the sum of parts (GPUs + cooling + base load); null without a meter.</param>
/// <param name="SpotPricePerMwh">The day-ahead price of the slot, or null where none was known.</param>
/// <param name="AllInPricePerMwh">Spot plus network fee and taxes.</param>
/// <param name="EnergyCost">Import × all-in price.</param>
/// <param name="CurtailmentIds">Demand-response curtailments in force during the slot.</param>
/// <param name="CurtailedSeconds">Seconds of the slot under a curtailment.</param>
public sealed record SiteLedgerLine(
    double ImportKwh,
    EnergyBasis ImportBasis,
    double? ImportMeteredKwh,
    double ImportModelKwh,
    double GpuKwh,
    double CoolingKwh,
    double BaseLoadKwh,
    double? ReconciliationGapKwh,
    double? SpotPricePerMwh,
    double? AllInPricePerMwh,
    double EnergyCost,
    IReadOnlyList<string> CurtailmentIds,
    double CurtailedSeconds)
{
    /// <summary>The site meter's energy register where the slot's counting started (the previous slot's last reading), kWh; null without a Good reading.</summary>
    public double? ImportRegisterStartKwh { get; init; }

    /// <summary>Its last Good reading in the slot: with no reset or estimate, <see cref="ImportMeteredKwh"/> is end − start.</summary>
    public double? ImportRegisterEndKwh { get; init; }
}

/// <summary>One workload in one slot ("idle" for GPUs without work).</summary>
/// <param name="Name">The workload's name.</param>
/// <param name="Kind">inference, mining, heater or idle.</param>
/// <param name="Tenant">Who is billed (inference), else null.</param>
/// <param name="GpuKwh">Its GPUs' energy counters over the time they ran it.</param>
/// <param name="GridKwh">That energy with the pools' cooling: what it drew from the grid.</param>
/// <param name="GpuHours">GPU-hours served.</param>
/// <param name="SlaGpuMinutesOwed">GPU-minutes the SLA guaranteed over the covered time (inference), else 0.</param>
/// <param name="SlaGpuMinutesDelivered">Of those, GPU-minutes delivered (at most the owed ones).</param>
/// <param name="Revenue">What it earned: GPU-hours at the tenant's contract, mining value of its energy.</param>
/// <param name="EnergyCost">Its grid energy at the slot's all-in price.</param>
public sealed record WorkloadLedgerLine(
    string Name,
    string Kind,
    string? Tenant,
    double GpuKwh,
    double GridKwh,
    double GpuHours,
    double SlaGpuMinutesOwed,
    double SlaGpuMinutesDelivered,
    double Revenue,
    double EnergyCost);

/// <summary>One GPU on one workload in one slot, from its energy counter.</summary>
/// <param name="Gpu">GPU id.</param>
/// <param name="Pool">Its pool.</param>
/// <param name="Workload">The workload it ran, or null (idle).</param>
/// <param name="Kwh">Counter energy while it ran that workload.</param>
/// <param name="Seconds">Seconds it ran it.</param>
/// <param name="CounterResets">Times its counter went backwards in the slot (handled: counted from the new start).</param>
public sealed record GpuLedgerLine(string Gpu, string Pool, string? Workload, double Kwh, double Seconds, int CounterResets);

/// <summary>One heat loop in one slot.</summary>
/// <param name="Loop">The loop's name.</param>
/// <param name="Buyer">The heat buyer (the loop's consumer).</param>
/// <param name="DeliveredKwh">Heat delivered: the heat meter's energy register where there is one.</param>
/// <param name="DeliveredBasis">How <paramref name="DeliveredKwh"/> was obtained.</param>
/// <param name="SupplyTemperatureC">Energy-weighted mean supply temperature, null when no heat flowed or none was measured.</param>
/// <param name="ContractSupplyTemperatureC">The supply temperature the buyer contracted.</param>
/// <param name="SecondsBelowContract">Seconds heat was delivered below the contracted supply temperature.</param>
/// <param name="Revenue">Delivered heat at the loop's heat price.</param>
/// <param name="BoilerKwh">Heat the backup boiler gave the consumer.</param>
/// <param name="BoilerFuelCost">Its fuel: boiler heat / efficiency × fuel price.</param>
/// <param name="DumpedKwh">Heat thrown away by the dry cooler.</param>
public sealed record HeatLoopLedgerLine(
    string Loop,
    string Buyer,
    double DeliveredKwh,
    EnergyBasis DeliveredBasis,
    double? SupplyTemperatureC,
    double ContractSupplyTemperatureC,
    double SecondsBelowContract,
    double Revenue,
    double BoilerKwh,
    double BoilerFuelCost,
    double DumpedKwh)
{
    /// <summary>The heat meter's energy register where the slot's counting started (the previous slot's last reading), kWh; null without a Good reading.</summary>
    public double? RegisterStartKwh { get; init; }

    /// <summary>Its last Good reading in the slot: with no reset or estimate, <see cref="DeliveredKwh"/> is end − start.</summary>
    public double? RegisterEndKwh { get; init; }
}

/// <summary>What the books were kept for: written into the ledger once, so that statements need no site file.</summary>
/// <param name="Site">The site's name.</param>
/// <param name="TimeZoneId">Its time zone (IANA id): statements' local days.</param>
/// <param name="Currency">ISO code of its money.</param>
public sealed record LedgerInfo(string Site, string TimeZoneId, string Currency);

/// <summary>Reads the energy ledger: the books statements are made from.</summary>
public interface ILedgerReader
{
    /// <summary>The site, zone and currency the ledger was kept for; null for an empty ledger.</summary>
    LedgerInfo? Info { get; }

    /// <summary>The slots starting in [<paramref name="since"/>, <paramref name="until"/>), oldest first: closed ones and the one in progress.</summary>
    IReadOnlyList<LedgerSlot> Read(DateTimeOffset since, DateTimeOffset until);

    /// <summary>The proof-of-useful-work tickets recorded in [<paramref name="since"/>, <paramref name="until"/>), oldest first (none for a ledger without them).</summary>
    IReadOnlyList<PouwLedgerEntry> ReadPouw(DateTimeOffset since, DateTimeOffset until) => [];
}
