namespace Energy.Scheduler.Policy;

/// <summary>What a policy change or rollback came to, and the HTTP answer it gives.</summary>
public enum PolicyChangeOutcome
{
    /// <summary>A new version applies.</summary>
    Changed,

    /// <summary>The policy asked for is the one in force: no new version.</summary>
    Unchanged,

    /// <summary>Refused by the site file's checks (400).</summary>
    Invalid,

    /// <summary>The base version is not the one in force (409).</summary>
    Conflict,

    /// <summary>The data folder refused the new version, which does not apply (503).</summary>
    NotSaved,
}
