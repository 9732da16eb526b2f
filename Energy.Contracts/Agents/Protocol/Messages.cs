using Energy.Contracts.Policy;

using Energy.Contracts.Sites;

namespace Energy.Contracts.Agents.Protocol;

// The controller ↔ agent messages, version 1. Every message carries "v"; a reader refuses versions it
// does not know rather than guess. Powers are GPU watts (cooling not included), times ISO 8601 UTC.
// Over MQTT each is signed with the agent's key for its topic: a last member "sig" ({kid, mac}), or
// "sigs" (one per node) on the ControllerAnnouncement; see AgentSignature for what the mac covers.

/// <summary>
/// Controller → agent: the whole desired state of the agent's GPUs (not a delta, so a lost or repeated
/// message does no harm). Newer (<see cref="Epoch"/>, <see cref="Seq"/>) wins; older ones are refused.
/// </summary>
/// <param name="CapShareW">The most the agent's GPUs together may be commanded to; the agent enforces it itself.</param>
/// <param name="ValidUntil">The agent's dead-man: without a newer batch by then its GPUs go to the safe state.</param>
public sealed record AssignmentBatch(
    int V,
    string Node,
    long Epoch,
    long Seq,
    DateTimeOffset SentAt,
    DateTimeOffset ValidUntil,
    double CapShareW,
    IReadOnlyList<GpuCommand> Gpus)
{
    /// <summary>
    /// Agents refuse a batch sent longer ago than this (by its <see cref="SentAt"/>; hosts' clocks are kept
    /// within a fraction of it by NTP), so that batches of a controller that has gone die out quickly.
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(3);
}

/// <summary>One GPU's command: workload (null = idle) and power target; <see cref="Shed"/> says where it stands in the shed order.</summary>
public sealed record GpuCommand(string Gpu, string? Workload, double TargetW, ShedStep? Shed = null);

/// <summary>Agent → controller: what became of a batch. <see cref="CommandedW"/> is the sum the agent now commands.</summary>
/// <param name="Refusal">Why the whole batch was refused (older epoch, older sequence, expired, too old); null when applied;
/// "duplicate" when the batch was applied before (a repeated delivery), which counts as an acknowledgement.</param>
/// <param name="HeldW">Increases the agent holds back until its GPUs have come down (decreases first, within its share).</param>
public sealed record AssignmentAck(
    int V,
    string Node,
    long Epoch,
    long Seq,
    DateTimeOffset At,
    double CommandedW,
    double HeldW,
    string? Refusal,
    IReadOnlyList<RefusedCommand> Refused)
{
    /// <summary>What a <see cref="Refusal"/> of a batch from an older epoch or sequence says: another controller (or a forger) is ahead.</summary>
    public const string Older = "older than";

    public static string OlderRefusal(string what, long got, long current) => $"{what} {got} is {Older} {current}";
}

public sealed record RefusedCommand(string Gpu, string Reason);

/// <summary>Agent → controller, every second: per-GPU readings and what the agent is doing.</summary>
/// <param name="State">following (a valid batch), safe (dead-man fired or nothing heard), shedding (demand response active).</param>
/// <param name="Warnings">What the operator must see about this agent (a frequency feed lost while shedding, frequency samples refused); null or empty when none.</param>
public sealed record AgentTelemetry(
    int V,
    string Node,
    DateTimeOffset At,
    long Epoch,
    long Seq,
    string State,
    double CapShareW,
    double CommandedW,
    IReadOnlyList<GpuTelemetry> Gpus,
    IReadOnlyList<string>? Warnings = null);

/// <param name="TargetW">What the GPU is told now.</param>
/// <param name="WantedW">What the batch the agent follows asks for; higher than <paramref name="TargetW"/> while an increase is held or load is shed, and what the agent may go to by itself.</param>
/// <param name="EnergyJ">The GPU's energy counter in joules: the figure to bill with.</param>
/// <param name="Throughput">Useful work per second of the running workload (hashes, tokens); 0 when idle.</param>
public sealed record GpuTelemetry(
    string Gpu,
    string Pool,
    string? Workload,
    double TargetW,
    double WantedW,
    double PowerW,
    double AveragePowerW,
    double EnergyJ,
    double TemperatureC,
    double Throughput,
    string State);

/// <summary>Agent → controller, retained: who the agent is and what it has.</summary>
/// <param name="StartedAt">When this run of the agent started: a new value means a restarted agent, whose earlier reports no longer hold.</param>
public sealed record AgentHeartbeat(
    int V,
    string Node,
    bool Online,
    DateTimeOffset At,
    string Backend,
    double DeadmanSeconds,
    long Epoch,
    IReadOnlyList<GpuInventoryItem> Gpus,
    DateTimeOffset StartedAt = default);

/// <summary>One GPU an agent offers: pool and power range.</summary>
public sealed record GpuInventoryItem(string Gpu, string Pool, string Model, double MinW, double IdleW, double MaxW)
{
    /// <summary>The GPU's own power range: what its agent clamps a command to.</summary>
    public GpuPowerRange Range => GpuPowerRange.FromWatts(MinW, IdleW, MaxW);
}

/// <summary>Controller → everyone, retained: the epoch in force. Agents refuse batches from older epochs.</summary>
public sealed record ControllerAnnouncement(int V, long Epoch, DateTimeOffset StartedAt, bool Online);

/// <summary>A grid-frequency sample, as the site meter or a frequency relay publishes it.</summary>
/// <param name="At">When it was measured; may be left out in JSON (default), and the receiver times it on arrival.</param>
public sealed record FrequencySample(double Hz, DateTimeOffset At = default);

/// <summary>An explicit curtailment: keep the site's import at or below <see cref="TargetKw"/> for <see cref="DurationSeconds"/>.</summary>
public sealed record CurtailmentRequest(int V, string Id, double TargetKw, double DurationSeconds, string? Reason);

/// <summary>
/// Evidence of one demand-response action on one agent (or the site), for a prequalification test:
/// when the signal happened and was seen, when the GPUs were commanded, when the power was observed down.
/// </summary>
/// <param name="Kind">"frequency", "curtail" or "restore".</param>
/// <param name="Trigger">The frequency (Hz) or the requested kW.</param>
/// <param name="Threshold">The stage's threshold (Hz) or the cap in force (kW).</param>
/// <param name="SignalAt">When the signal was measured (the sample's own time).</param>
/// <param name="SeenAt">When the agent received it.</param>
/// <param name="CommandedAt">When every GPU concerned had been commanded.</param>
/// <param name="PowerObservedAt">When the GPUs' power reading (<see cref="PowerReading"/>) first showed the power shed (95 % of it); null while not yet seen.</param>
public sealed record DemandResponseEvent(
    int V,
    string Node,
    string Id,
    string Kind,
    double Trigger,
    double Threshold,
    double DeadlineSeconds,
    DateTimeOffset SignalAt,
    DateTimeOffset SeenAt,
    DateTimeOffset CommandedAt,
    DateTimeOffset? PowerObservedAt,
    double BeforeW,
    double TargetW,
    int GpusCommanded)
{
    public double CommandMs => (CommandedAt - SeenAt).TotalMilliseconds;

    /// <summary>Whether the power was observed down within the deadline, counted from the signal's own time.</summary>
    public bool? MetDeadline => PowerObservedAt is { } at ? (at - SignalAt).TotalSeconds <= DeadlineSeconds : null;

    /// <summary>Signal (its own time) → power observed down, in seconds: the figure the deadline is held against.</summary>
    public double? PowerDownSeconds => PowerObservedAt is { } at ? (at - SignalAt).TotalSeconds : null;

    /// <summary>
    /// The power reading the observation is made on (<c>nvml-instant</c>, <c>nvml-average</c>, <c>simulated-instant</c>;
    /// the coarsest of the GPUs concerned); null where the sender does not say.
    /// </summary>
    public string? PowerReading { get; init; }

    /// <summary>That reading's averaging window (ms): the observation may lag the real fall by up to this.</summary>
    public double? PowerReadingWindowMs { get; init; }
}
