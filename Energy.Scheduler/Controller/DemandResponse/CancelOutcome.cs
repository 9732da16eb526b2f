namespace Energy.Scheduler.Controller.DemandResponse;

/// <summary>What <see cref="GridLimit.Cancel"/> did.</summary>
public enum CancelOutcome
{
    /// <summary>Ended and saved.</summary>
    Cancelled,

    /// <summary>Ended now, but the data folder refused the change: after a restart the curtailment would hold again (HTTP 503).</summary>
    CancelledNotPersisted,

    /// <summary>No curtailment with this id is in force (HTTP 404).</summary>
    NotInForce,
}
