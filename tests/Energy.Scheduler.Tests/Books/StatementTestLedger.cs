using Energy.Scheduler.Books;

namespace Energy.Scheduler.Tests.Books;

/// <summary>An energy ledger in memory, from hand-made slots, and the pieces to make them: what statements are tested against.</summary>
internal sealed class StatementTestLedger(LedgerInfo? info, IEnumerable<LedgerSlot> slots) : ILedgerReader
{
    public static readonly LedgerInfo Berlin = new("Bathhouse", "Europe/Berlin", "EUR");

    private readonly List<LedgerSlot> _slots = [.. slots.OrderBy(s => s.Start)];

    public StatementTestLedger(params LedgerSlot[] slots)
        : this(Berlin, slots)
    {
    }

    public LedgerInfo? Info { get; } = info;

    /// <summary>Every window read, as asked.</summary>
    public List<(DateTimeOffset Since, DateTimeOffset Until)> Reads { get; } = [];

    public IReadOnlyList<LedgerSlot> Read(DateTimeOffset since, DateTimeOffset until)
    {
        Reads.Add((since, until));
        return [.. _slots.Where(s => s.Start >= since && s.Start < until)];
    }

    public static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>A closed, fully covered slot of <paramref name="minutes"/> from <paramref name="start"/>.</summary>
    public static LedgerSlot Slot(DateTimeOffset start, int minutes = 60, SiteLedgerLine? site = null, IReadOnlyList<WorkloadLedgerLine>? workloads = null,
        IReadOnlyList<HeatLoopLedgerLine>? loops = null) =>
        new(start, start.AddMinutes(minutes), Closed: true, CoveredSeconds: minutes * 60, site ?? Site(), workloads ?? [], [], loops ?? []);

    public static SiteLedgerLine Site(double importKwh = 0, double? meteredKwh = null, double modelKwh = 0, double gpuKwh = 0, double coolingKwh = 0,
        double baseLoadKwh = 0, double? gapKwh = null, double energyCost = 0, IReadOnlyList<string>? curtailments = null, double curtailedSeconds = 0) =>
        new(importKwh, meteredKwh is null ? EnergyBasis.Model : EnergyBasis.Counter, meteredKwh, modelKwh, gpuKwh, coolingKwh, baseLoadKwh, gapKwh,
            SpotPricePerMwh: 80, AllInPricePerMwh: 200, energyCost, curtailments ?? [], curtailedSeconds);

    public static WorkloadLedgerLine Workload(string name, string? tenant, double gpuKwh = 0, double gridKwh = 0, double gpuHours = 0, double owed = 0,
        double delivered = 0, double revenue = 0, double energyCost = 0, string kind = "inference") =>
        new(name, kind, tenant, gpuKwh, gridKwh, gpuHours, owed, delivered, revenue, energyCost);

    public static HeatLoopLedgerLine Loop(string loop, string buyer, double kwh = 0, double? supplyC = null, double contractC = 70, double secondsBelow = 0,
        double revenue = 0, double boilerKwh = 0, double boilerFuel = 0, double dumpedKwh = 0, EnergyBasis basis = EnergyBasis.Counter) =>
        new(loop, buyer, kwh, basis, supplyC, contractC, secondsBelow, revenue, boilerKwh, boilerFuel, dumpedKwh);

    /// <summary>Hourly slots from <paramref name="start"/> (UTC), each made by <paramref name="make"/>.</summary>
    public static IEnumerable<LedgerSlot> Hourly(DateTimeOffset start, int hours, Func<DateTimeOffset, LedgerSlot> make) =>
        Enumerable.Range(0, hours).Select(h => make(start.AddHours(h)));
}
