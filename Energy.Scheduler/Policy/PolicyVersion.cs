namespace Energy.Scheduler.Policy;

/// <summary>One version of the operator policy: what <c>GET /api/policy</c> answers and <c>/api/policy/versions</c> lists.</summary>
/// <param name="Version">1, 2, …; version 1 is the site file's policy as first seen.</param>
/// <param name="ChangedBy">The API's caller (user name, or anonymous), or <c>site file</c>.</param>
/// <param name="Role">The caller's role; null for the site file or an open API.</param>
/// <param name="Source"><c>site</c> (the site file's policy section) or <c>api</c> (a change or rollback through the API).</param>
/// <param name="Policy">The policy itself, in the site file's keys.</param>
public sealed record PolicyVersion(
    int Version,
    DateTimeOffset ChangedAt,
    string ChangedBy,
    string? Role,
    string? Reason,
    string Source,
    PolicyDocument Policy)
{
    public const string FromSite = "site";
    public const string FromApi = "api";
}
