namespace Energy.Contracts.Readings;

/// <summary>How far a reading can be trusted. Only Good readings reach the optimizer as values.</summary>
public enum Quality
{
    Good,
    Uncertain,
    Bad,
}
