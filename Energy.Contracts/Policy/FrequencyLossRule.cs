namespace Energy.Contracts.Policy;

/// <summary>
/// What an agent does when the frequency feed goes silent while it sheds (<c>onFrequencyLost</c>): hold the
/// shed until a live feed shows the grid recovered, or restore once no sample has been seen for
/// <see cref="RestoreAfter"/> (each agent after its own stagger offset, as for a normal restore).
/// </summary>
/// <param name="RestoreAfter">How long after the last sample load comes back; null to hold.</param>
public sealed record FrequencyLossRule(TimeSpan? RestoreAfter)
{
    /// <summary>
    /// 30 s after the last sample. Fingrid's FFR rules ask for at least 30 s of activation when the power
    /// comes back faster than 20 % of the capacity per second (5 s otherwise), so an event whose feed dies
    /// mid-way is still served in full; holding on a dead feed forever, or restoring on one missing sample,
    /// would serve neither the grid nor the site.
    /// </summary>
    public static FrequencyLossRule Default { get; } = new(TimeSpan.FromSeconds(30));

    public static FrequencyLossRule Hold { get; } = new((TimeSpan?)null);

    public override string ToString() => RestoreAfter is { } after ? $"restoreAfter {after.TotalSeconds:0.###}s" : "hold";
}
