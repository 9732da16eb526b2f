using Energy.Contracts.Units;

namespace Energy.Contracts.Readings;

/// <summary>
/// One value of one signal, with its unit and quality. The unit is the signal's own
/// (<see cref="Signals.SignalUnits"/>): the adapter that made the reading converted to it. A reading that
/// is not Good says why in <see cref="Reason"/>; a Bad reading's value must not be used.
/// </summary>
public sealed record Reading(
    string Signal,
    double Value,
    Unit Unit,
    Quality Quality,
    string? Reason,
    DateTimeOffset Timestamp,
    string Source)
{
    /// <summary>A good reading; a NaN or infinite value becomes Bad instead, never a good number.</summary>
    public static Reading Good(string signal, double value, Unit unit, DateTimeOffset timestamp, string source) =>
        double.IsFinite(value)
            ? new Reading(signal, value, unit, Quality.Good, null, timestamp, source)
            : Bad(signal, unit, $"value is {value}", timestamp, source);

    public static Reading Bad(string signal, Unit unit, string reason, DateTimeOffset timestamp, string source) =>
        new(signal, double.NaN, unit, Quality.Bad, reason, timestamp, source);

    public bool IsGood => Quality == Quality.Good;
}
