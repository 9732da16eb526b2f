namespace Energy.Scheduler.Controller.DemandResponse;

/// <summary>What <see cref="GridLimit.Curtail"/> did with a request.</summary>
public enum CurtailOutcome
{
    /// <summary>In force and saved: it survives a restart.</summary>
    InForce,

    /// <summary>In force now, but the data folder refused it: a restart would forget it (HTTP 503).</summary>
    InForceNotPersisted,

    /// <summary>Refused: a curtailment with this id is in force; it is not replaced (HTTP 409).</summary>
    IdInForce,

    /// <summary>Refused: <see cref="GridLimit.MaxActive"/> curtailments are in force (HTTP 409).</summary>
    TooMany,

    /// <summary>Refused: the request is not valid (HTTP 400).</summary>
    Invalid,
}
