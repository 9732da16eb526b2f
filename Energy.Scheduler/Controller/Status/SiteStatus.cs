namespace Energy.Scheduler.Controller.Status;

/// <summary>The body of <c>GET /api/status</c>: what the site is doing now. Serialised camelCase.</summary>
public sealed record SiteStatus(
    string Site,
    DateTimeOffset Time,
    double? PriceEurPerMwh,
    string Currency,
    double GridImportKw,
    double GridImportCapKw,
    string Planner,
    string GpuBackend,
    IReadOnlyList<WorkloadStatus> Workloads,
    HeatStatus Heat,
    IReadOnlyList<HeatLoopStatus> HeatLoops,
    IReadOnlyList<string> Explanations,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Per GPU: its agent, the workload and target the controller wants now, and what the GPU does and draws.</summary>
    public IReadOnlyList<GpuAssignmentView> GpuAssignments { get; init; } = [];

    /// <summary>With <c>--ha</c>: this controller's role (leader or standby), the epoch, the leader, the peer, when leadership last moved; null without.</summary>
    public Ha.LeadershipView? Ha { get; init; }

    /// <summary>HeatGrid's model of the import: the base load it counts plus every GPU's reported power with cooling. <see cref="GridImportKw"/> is the meter's where there is one.</summary>
    public double GridImportModelKw { get; init; }

    /// <summary>The site meter's import when it is good and current; null without a meter or while it is lost.</summary>
    public double? GridImportMeteredKw { get; init; }

    /// <summary>The load HeatGrid does not control, as the cap is held with it now: estimated from the meter, assumed while it is lost, or the site file's.</summary>
    public double BaseLoadKw { get; init; }

    /// <summary>The site file's base load, for comparison.</summary>
    public double BaseLoadConfiguredKw { get; init; }

    /// <summary>What the cap is held against: <c>meter</c>, <c>model</c> (no site meter) or <c>meterLost</c> (worst recent base load plus a margin).</summary>
    public string CapHeldAgainst { get; init; } = "model";

    /// <summary>The import the controller holds the site under: the cap in force less the meter's margin.</summary>
    public double HoldBelowKw { get; init; }

    /// <summary>What an operator must look at (forged messages, refused inputs, state that could not be kept), critical first; each is in <see cref="Warnings"/> too.</summary>
    public IReadOnlyList<Energy.Telemetry.Health.Alarm> Alarms { get; init; } = [];

    /// <summary>Whether the demo runs here, why, and what it simulates; null where no host decided it (tests).</summary>
    public DemoStatus? Demo { get; init; }
}

/// <summary>One GPU's assignment and state: wanted (workload, targetW) and reported (runningWorkload, powerW), and its place in the shed order.</summary>
public sealed record GpuAssignmentView(string Gpu, string Node, string Pool, string? Workload, double TargetW, string? RunningWorkload, double PowerW, string? Shed)
{
    /// <summary>The GPU's energy counter as its agent last reported it (NVML total energy, or the simulated counter), in kWh.</summary>
    public double EnergyCounterKwh { get; init; }
}

/// <summary>GPU power and GPU count on one workload (or on "idle").</summary>
public sealed record WorkloadStatus(string Name, string Kind, double PowerKw, int Gpus);

/// <summary>Heat totals over all loops. Delivered is HeatGrid's heat to consumers (GPUs and tanks); the boiler's is apart.</summary>
public sealed record HeatStatus(double DemandKw, double DeliveredKw, double StoredKwh, double DumpedKw, double BoilerKw);

/// <summary>One heat loop's flows.</summary>
public sealed record HeatLoopStatus(
    string Name,
    double DemandKw,
    double CapturedKw,
    double DeliveredKw,
    double ToStorageKw,
    double FromStorageKw,
    double StoredKwh,
    double DumpedKw,
    double BoilerKw,
    double ShortfallKw);
