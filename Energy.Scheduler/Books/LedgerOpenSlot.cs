namespace Energy.Scheduler.Books;

/// <summary>The accumulators of the slot in progress (checkpointed as JSON; the recorder adds each tick to them).</summary>
public sealed class LedgerOpenSlot
{
    public DateTimeOffset Start { get; set; }

    public DateTimeOffset End { get; set; }

    public double CoveredSeconds { get; set; }

    /// <summary>Closed (written) already: a checkpoint of a slot closed at a restart, whose successor is not known yet.</summary>
    public bool Closed { get; set; }

    /// <summary>Per GPU and workload, keyed <c>gpu␟workload</c> (empty workload: idle).</summary>
    public Dictionary<string, LedgerGpuAccumulator> Gpus { get; set; } = new(StringComparer.Ordinal);

    /// <summary>SLA seconds per inference workload.</summary>
    public Dictionary<string, LedgerSlaAccumulator> Sla { get; set; } = new(StringComparer.Ordinal);

    public LedgerEnergyAccumulator Import { get; set; } = new();

    public Dictionary<string, LedgerLoopAccumulator> Loops { get; set; } = new(StringComparer.Ordinal);

    public double? SpotPricePerMwh { get; set; }

    public double? AllInPricePerMwh { get; set; }

    /// <summary>Live mining values (per MWh of GPU energy) keyed <c>workload␟pool</c>; absent: the workload's constant.</summary>
    public Dictionary<string, double> MiningValues { get; set; } = new(StringComparer.Ordinal);

    public List<string> CurtailmentIds { get; set; } = [];

    public double CurtailedSeconds { get; set; }

    public List<string> Flags { get; set; } = [];

    /// <summary>Why figures are estimates, keyed by what was missing, with the seconds it lasted.</summary>
    public Dictionary<string, LedgerReason> Reasons { get; set; } = new(StringComparer.Ordinal);

    public void Flag(string flag)
    {
        if (!Flags.Contains(flag, StringComparer.Ordinal))
        {
            Flags.Add(flag);
        }
    }

    public void Estimate(string key, string text, double seconds)
    {
        if (!Reasons.TryGetValue(key, out var reason))
        {
            Reasons[key] = reason = new LedgerReason { Text = text };
        }

        reason.Text = text;
        reason.Seconds += seconds;
    }
}

public sealed class LedgerGpuAccumulator
{
    public required string Gpu { get; set; }

    public required string Pool { get; set; }

    public string? Workload { get; set; }

    public double Kwh { get; set; }

    public double Seconds { get; set; }

    public int CounterResets { get; set; }
}

public sealed class LedgerSlaAccumulator
{
    public double OwedGpuSeconds { get; set; }

    public double DeliveredGpuSeconds { get; set; }
}

/// <summary>Energy of one meter in a slot, by how it was obtained.</summary>
public sealed class LedgerEnergyAccumulator
{
    public double CounterKwh { get; set; }

    public double IntegratedKwh { get; set; }

    public double ModelKwh { get; set; }

    /// <summary>The register's reading the slot's first difference started from (the previous slot's last), kWh; null without a Good reading.</summary>
    public double? RegisterStartKwh { get; set; }

    /// <summary>The register's last Good reading in the slot, kWh.</summary>
    public double? RegisterEndKwh { get; set; }

    public double TotalKwh => CounterKwh + IntegratedKwh + ModelKwh;

    public EnergyBasis Basis => ModelKwh > 0 ? EnergyBasis.Model : IntegratedKwh > 0 ? EnergyBasis.Integrated : EnergyBasis.Counter;
}

public sealed class LedgerLoopAccumulator
{
    public LedgerEnergyAccumulator Delivered { get; set; } = new();

    /// <summary>Σ tick heat × supply temperature, for the energy-weighted mean.</summary>
    public double SupplyKwhC { get; set; }

    /// <summary>Σ tick heat with a Good supply temperature.</summary>
    public double SupplyKwh { get; set; }

    public double SecondsBelowContract { get; set; }

    public double BoilerKwh { get; set; }

    public double DumpedKwh { get; set; }
}

public sealed class LedgerReason
{
    public string Text { get; set; } = "";

    public double Seconds { get; set; }
}
