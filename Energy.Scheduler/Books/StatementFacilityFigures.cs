namespace Energy.Scheduler.Books;

/// <summary>
/// The facility's figures: what the site imported (metered, and HeatGrid's model beside it) and paid, what compute
/// and heat earned, the boilers' fuel, demand-response curtailments, the net, and the gap between the meter and
/// the sum of parts. DR credits are 0: the site file has no credit rate today, so curtailments are counted, not paid.
/// </summary>
public sealed class StatementFacilityFigures : StatementFigures
{
    private readonly HashSet<EnergyBasis> _bases = [];
    private readonly HashSet<string> _curtailments = new(StringComparer.Ordinal);

    /// <summary>Import as the ledger books it: the meter's register where there is one.</summary>
    public double ImportKwh { get; private set; }

    public string? ImportBasis => BasisText(_bases);

    /// <summary>The site meter's register differences; null where no slot had a register.</summary>
    public double? ImportMeteredKwh { get; private set; }

    /// <summary>Slots without a site meter register (their import is integrated or modelled).</summary>
    public int UnmeteredSlots { get; private set; }

    /// <summary>HeatGrid's model of the import, beside the meter.</summary>
    public double ImportModelKwh { get; private set; }

    public double GpuKwh { get; private set; }

    public double CoolingKwh { get; private set; }

    public double BaseLoadKwh { get; private set; }

    /// <summary>Metered import minus the sum of parts (GPUs + cooling + base load), over the metered slots; null where none was.</summary>
    public double? ReconciliationGapKwh { get; private set; }

    public double EnergyCost { get; private set; }

    /// <summary>What every workload earned (tenants' bills, mining).</summary>
    public double ComputeRevenue { get; private set; }

    /// <summary>What every heat loop earned.</summary>
    public double HeatRevenue { get; private set; }

    public double BoilerFuelCost { get; private set; }

    /// <summary>Distinct demand-response curtailments in force during the line.</summary>
    public int DrCurtailments => _curtailments.Count;

    public double DrCurtailedSeconds { get; private set; }

    /// <summary>Always 0: there is no credit rate in the site file (curtailments are shown, not paid).</summary>
    public static double DrCredit => 0;

    /// <summary>Compute and heat revenue less the energy cost and the boilers' fuel.</summary>
    public double Net => ComputeRevenue + HeatRevenue + DrCredit - EnergyCost - BoilerFuelCost;

    private readonly StatementRegisterSpan _meter = new();

    /// <summary>The site meter's energy register where the line's counting started; null without a register.</summary>
    public double? ImportMeterStartKwh => _meter.StartKwh;

    /// <summary>Its last reading in the line: with no reset or estimate, <see cref="ImportMeteredKwh"/> is end − start.</summary>
    public double? ImportMeterEndKwh => _meter.EndKwh;

    public override IReadOnlyList<StatementField> Fields() =>
    [
        new("importKwh", "Import kWh", StatementUnit.Kwh, ImportKwh),
        new("importBasis", "Basis", StatementUnit.Text, null, ImportBasis),
        new("importMeteredKwh", "Metered kWh", StatementUnit.Kwh, ImportMeteredKwh),
        new("importMeterStartKwh", "Meter from kWh", StatementUnit.Kwh, ImportMeterStartKwh),
        new("importMeterEndKwh", "Meter to kWh", StatementUnit.Kwh, ImportMeterEndKwh),
        new("unmeteredSlots", "Unmetered slots", StatementUnit.Count, UnmeteredSlots),
        new("importModelKwh", "Model kWh", StatementUnit.Kwh, ImportModelKwh),
        new("gpuKwh", "GPU kWh", StatementUnit.Kwh, GpuKwh),
        new("coolingKwh", "Cooling kWh", StatementUnit.Kwh, CoolingKwh),
        new("baseLoadKwh", "Base load kWh", StatementUnit.Kwh, BaseLoadKwh),
        new("reconciliationGapKwh", "Gap kWh", StatementUnit.Kwh, ReconciliationGapKwh),
        new("energyCost", "Energy cost", StatementUnit.Money, EnergyCost),
        new("computeRevenue", "Compute", StatementUnit.Money, ComputeRevenue),
        new("heatRevenue", "Heat", StatementUnit.Money, HeatRevenue),
        new("boilerFuelCost", "Boiler fuel", StatementUnit.Money, BoilerFuelCost),
        new("drCurtailments", "DR events", StatementUnit.Count, DrCurtailments),
        new("drCurtailedSeconds", "DR seconds", StatementUnit.Seconds, DrCurtailedSeconds),
        new("drCredit", "DR credit", StatementUnit.Money, DrCredit),
        new("net", "Net", StatementUnit.Money, Net),
    ];

    internal override void AddSlot(LedgerSlot slot)
    {
        var site = slot.Site;
        ImportKwh += site.ImportKwh;
        _bases.Add(site.ImportBasis);
        if (site.ImportMeteredKwh is { } metered)
        {
            ImportMeteredKwh = (ImportMeteredKwh ?? 0) + metered;
        }
        else
        {
            UnmeteredSlots++;
        }

        ImportModelKwh += site.ImportModelKwh;
        GpuKwh += site.GpuKwh;
        CoolingKwh += site.CoolingKwh;
        BaseLoadKwh += site.BaseLoadKwh;
        if (site.ReconciliationGapKwh is { } gap)
        {
            ReconciliationGapKwh = (ReconciliationGapKwh ?? 0) + gap;
        }

        EnergyCost += site.EnergyCost;
        ComputeRevenue += slot.Workloads.Sum(w => w.Revenue);
        HeatRevenue += slot.HeatLoops.Sum(l => l.Revenue);
        BoilerFuelCost += slot.HeatLoops.Sum(l => l.BoilerFuelCost);
        _curtailments.UnionWith(site.CurtailmentIds);
        DrCurtailedSeconds += site.CurtailedSeconds;
        _meter.Add("site", site.ImportRegisterStartKwh, site.ImportRegisterEndKwh);
    }

    internal override void Add(StatementFigures other)
    {
        var o = Same<StatementFacilityFigures>(other);
        _meter.Add(o._meter);
        ImportKwh += o.ImportKwh;
        _bases.UnionWith(o._bases);
        if (o.ImportMeteredKwh is { } metered)
        {
            ImportMeteredKwh = (ImportMeteredKwh ?? 0) + metered;
        }

        UnmeteredSlots += o.UnmeteredSlots;
        ImportModelKwh += o.ImportModelKwh;
        GpuKwh += o.GpuKwh;
        CoolingKwh += o.CoolingKwh;
        BaseLoadKwh += o.BaseLoadKwh;
        if (o.ReconciliationGapKwh is { } gap)
        {
            ReconciliationGapKwh = (ReconciliationGapKwh ?? 0) + gap;
        }

        EnergyCost += o.EnergyCost;
        ComputeRevenue += o.ComputeRevenue;
        HeatRevenue += o.HeatRevenue;
        BoilerFuelCost += o.BoilerFuelCost;
        _curtailments.UnionWith(o._curtailments);
        DrCurtailedSeconds += o.DrCurtailedSeconds;
    }

    internal override StatementFigures Empty() => new StatementFacilityFigures();
}
