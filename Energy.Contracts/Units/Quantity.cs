namespace Energy.Contracts.Units;

/// <summary>What a <see cref="Unit"/> measures. Values convert only between units of one quantity.</summary>
public enum Quantity
{
    /// <summary>A count, a state, a code: no unit.</summary>
    Dimensionless,
    Power,
    Energy,
    Temperature,
    Frequency,
    Voltage,
    VolumeFlow,
    Ratio,
}
