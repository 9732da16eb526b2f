namespace Energy.Contracts.Policy;

/// <summary>One step of the operator's shed order, the order in which load is given up.</summary>
public enum ShedStep
{
    Mining,
    Heater,
    InferenceAboveSla,
    InferenceSla,
}
