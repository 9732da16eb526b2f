namespace Energy.Scheduler.Books;

/// <summary>A tenant's figures: every workload billed to it (its GPU-hours, their counters' energy, the cooling that energy drew, its SLA, its bill).</summary>
public sealed class StatementTenantFigures(string tenant) : StatementFigures
{
    public string Tenant { get; } = tenant;

    public double GpuHours { get; private set; }

    /// <summary>Its GPUs' energy counters.</summary>
    public double GpuKwh { get; private set; }

    /// <summary>That energy with the pools' cooling: what it is attributed from the grid.</summary>
    public double GridKwh { get; private set; }

    public double CoolingKwh => GridKwh - GpuKwh;

    public double SlaGpuMinutesOwed { get; private set; }

    public double SlaGpuMinutesDelivered { get; private set; }

    /// <summary>Delivered over owed GPU-minutes; 100 % where nothing was owed.</summary>
    public double SlaCompliancePercent => SlaGpuMinutesOwed > 0 ? 100 * SlaGpuMinutesDelivered / SlaGpuMinutesOwed : 100;

    /// <summary>What it is billed: its GPU-hours at its contract (the ledger's revenue of its workloads).</summary>
    public double Amount { get; private set; }

    /// <summary>The grid energy attributed to it at each slot's all-in price.</summary>
    public double EnergyCost { get; private set; }

    /// <summary>Its proof-of-useful-work tickets verified (accepted) in the line.</summary>
    public double PouwTickets { get; private set; }

    /// <summary>Their useful work: each accepted ticket's job's m·n·k multiply-adds.</summary>
    public double PouwWorkUnits { get; private set; }

    /// <summary>What they earn: each at the site's per-ticket mining revenue when it was accepted.</summary>
    public double PouwRevenue { get; private set; }

    public override IReadOnlyList<StatementField> Fields() =>
    [
        new("gpuHours", "GPU-h", StatementUnit.Hours, GpuHours),
        new("gpuKwh", "GPU kWh", StatementUnit.Kwh, GpuKwh),
        new("coolingKwh", "Cooling kWh", StatementUnit.Kwh, CoolingKwh),
        new("gridKwh", "Grid kWh", StatementUnit.Kwh, GridKwh),
        new("slaGpuMinutesOwed", "SLA GPU-min owed", StatementUnit.Minutes, SlaGpuMinutesOwed),
        new("slaGpuMinutesDelivered", "SLA GPU-min delivered", StatementUnit.Minutes, SlaGpuMinutesDelivered),
        new("slaCompliancePercent", "SLA %", StatementUnit.Percent, SlaCompliancePercent),
        new("amount", "Amount", StatementUnit.Money, Amount),
        new("energyCost", "Energy cost", StatementUnit.Money, EnergyCost),
        new("pouwTickets", "PoUW tickets", StatementUnit.Count, PouwTickets),
        new("pouwWorkUnits", "PoUW work units", StatementUnit.Count, PouwWorkUnits),
        new("pouwRevenue", "PoUW revenue", StatementUnit.Money, PouwRevenue),
    ];

    internal override void AddSlot(LedgerSlot slot)
    {
        foreach (var line in slot.Workloads.Where(w => string.Equals(w.Tenant, Tenant, StringComparison.Ordinal)))
        {
            GpuHours += line.GpuHours;
            GpuKwh += line.GpuKwh;
            GridKwh += line.GridKwh;
            SlaGpuMinutesOwed += line.SlaGpuMinutesOwed;
            SlaGpuMinutesDelivered += line.SlaGpuMinutesDelivered;
            Amount += line.Revenue;
            EnergyCost += line.EnergyCost;
        }
    }

    internal override void AddPouw(PouwLedgerEntry entry)
    {
        if (entry.IsAccepted && string.Equals(entry.Tenant, Tenant, StringComparison.Ordinal))
        {
            PouwTickets++;
            PouwWorkUnits += entry.WorkUnits;
            PouwRevenue += entry.Value;
        }
    }

    internal override void Add(StatementFigures other)
    {
        var o = Same<StatementTenantFigures>(other);
        GpuHours += o.GpuHours;
        GpuKwh += o.GpuKwh;
        GridKwh += o.GridKwh;
        SlaGpuMinutesOwed += o.SlaGpuMinutesOwed;
        SlaGpuMinutesDelivered += o.SlaGpuMinutesDelivered;
        Amount += o.Amount;
        EnergyCost += o.EnergyCost;
        PouwTickets += o.PouwTickets;
        PouwWorkUnits += o.PouwWorkUnits;
        PouwRevenue += o.PouwRevenue;
    }

    internal override StatementFigures Empty() => new StatementTenantFigures(Tenant);
}
