namespace Energy.Contracts.Agents.Protocol;

/// <summary>
/// How an agent says it refused (or clamped) a command because the site file does not allow it — a power
/// above the pool's range, a workload the pool may not run, a cap share above the site's import cap — as
/// against the protocol's ordinary refusals (older, duplicate, expired). The controller alarms on these:
/// a controller whose commands break the site file is broken or not ours.
/// </summary>
public static class SiteFileRefusal
{
    public const string Prefix = "site file: ";

    public static string Because(string reason) => Prefix + reason;

    public static bool Is(string? reason) => reason is not null && reason.StartsWith(Prefix, StringComparison.Ordinal);
}
