namespace Energy.Scheduler.Books;

/// <summary>
/// What the recorder must keep to resume after a crash: the slot in progress with its accumulators, and the
/// last reading of every counter (so that energy across a restart is the counters' difference, never
/// counted twice nor lost where the counter went on). Saved as JSON in the ledger's <c>open_slot</c> row.
/// </summary>
public sealed class LedgerCheckpoint
{
    public required LedgerOpenSlot Slot { get; set; }

    /// <summary>The recorder's last tick: the start of the downtime a restart finds.</summary>
    public DateTimeOffset? LastTick { get; set; }

    /// <summary>Each GPU's energy counter at its last reading, kWh.</summary>
    public Dictionary<string, double> GpuCounters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Each meter's energy register (by signal name), with what was estimated since its last Good reading.</summary>
    public Dictionary<string, LedgerRegisterState> Registers { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A meter's energy register between readings.</summary>
public sealed class LedgerRegisterState
{
    /// <summary>The last Good reading, kWh; null before the first.</summary>
    public double? Last { get; set; }

    /// <summary>Energy estimated (integrated or modelled) since <see cref="Last"/> in slots already closed.</summary>
    public double EstimatedBefore { get; set; }

    /// <summary>Energy integrated since <see cref="Last"/> in the open slot.</summary>
    public double IntegratedHere { get; set; }

    /// <summary>Energy modelled since <see cref="Last"/> in the open slot.</summary>
    public double ModelHere { get; set; }

    /// <summary>Seconds the register was not Good since <see cref="Last"/> in the open slot.</summary>
    public double BadSecondsHere { get; set; }
}
