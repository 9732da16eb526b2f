namespace Energy.Contracts.Policy;

/// <summary>
/// One under-frequency step: when the grid frequency falls to <see cref="BelowHz"/> or lower, each agent
/// sheds <see cref="ShedFraction"/> of its sheddable GPU power (in the shed order) within <see cref="Deadline"/>.
/// </summary>
public sealed record FrequencyStage(double BelowHz, double ShedFraction, TimeSpan Deadline);

/// <summary>
/// How the site answers the grid: under-frequency stages watched by every agent itself (no round trip),
/// and how load comes back once the frequency has recovered. The defaults are Nordic FFR's three
/// activation levels (full activation within 1.3 s at 49.7 Hz, 1.0 s at 49.6 Hz, 0.7 s at 49.5 Hz).
/// </summary>
/// <param name="Stages">Under-frequency steps, highest threshold first.</param>
/// <param name="RestoreAboveHz">Load comes back only once the frequency is at or above this again…</param>
/// <param name="RestoreHold">…and has stayed there this long.</param>
/// <param name="RestoreStagger">Agents spread their return over this window (each its own offset), so the site does not jump back at once.</param>
/// <param name="FrequencySignal">The signal carrying the grid frequency in Hz (site meter over Modbus, or MQTT).</param>
/// <param name="MaxFrequencyAge">A frequency older than this is not acted on (Bad: stale).</param>
public sealed record DemandResponsePolicy(
    IReadOnlyList<FrequencyStage> Stages,
    double RestoreAboveHz,
    TimeSpan RestoreHold,
    TimeSpan RestoreStagger,
    string FrequencySignal,
    TimeSpan MaxFrequencyAge)
{
    public const string DefaultFrequencySignal = "grid.frequencyHz";

    public static DemandResponsePolicy NordicFfr { get; } = new(
        [
            new FrequencyStage(49.7, 1.0, TimeSpan.FromSeconds(1.3)),
            new FrequencyStage(49.6, 1.0, TimeSpan.FromSeconds(1.0)),
            new FrequencyStage(49.5, 1.0, TimeSpan.FromSeconds(0.7)),
        ],
        RestoreAboveHz: 49.9,
        RestoreHold: TimeSpan.FromSeconds(30),
        RestoreStagger: TimeSpan.FromSeconds(60),
        DefaultFrequencySignal,
        MaxFrequencyAge: TimeSpan.FromSeconds(5));

    /// <summary>Where the frequency comes from; <see cref="FrequencySource.Auto"/> unless the site file says (<c>frequencySource</c>).</summary>
    public FrequencySource Source { get; init; } = FrequencySource.Auto;

    /// <summary>What agents do when the feed goes silent while they shed (<c>onFrequencyLost</c>).</summary>
    public FrequencyLossRule OnFrequencyLost { get; init; } = FrequencyLossRule.Default;

    /// <summary>
    /// The source in force: <see cref="FrequencySource.Signal"/> or <see cref="FrequencySource.Topic"/>;
    /// <paramref name="siteMapsSignal"/> says whether a device point or an MQTT signal of the site file feeds <see cref="FrequencySignal"/>.
    /// </summary>
    public FrequencySource SourceFor(bool siteMapsSignal) =>
        Source == FrequencySource.Auto ? siteMapsSignal ? FrequencySource.Signal : FrequencySource.Topic : Source;

    /// <summary>The deepest stage a frequency triggers (lowest threshold at or above it), or null for none.</summary>
    public FrequencyStage? StageFor(double hz) =>
        double.IsFinite(hz) ? Stages.Where(s => hz <= s.BelowHz).MinBy(s => s.BelowHz) : null;
}
