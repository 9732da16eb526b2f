using Energy.Contracts.Units;

namespace Energy.Contracts.Signals;

/// <summary>
/// An input that arrives over MQTT: which topics carry it, how to read the payload, and what a valid
/// value looks like. Engineering value = parsed × Scale + Offset, in <see cref="Unit"/>; the reading
/// converts it to the signal's unit (<see cref="SignalUnits"/>).
/// </summary>
/// <param name="Signal">Signal name; may hold <c>{1}</c>, <c>{2}</c>… for the topic levels the filter's <c>+</c> wildcards matched.</param>
/// <param name="Topic">Topic filter, MQTT wildcards allowed (<c>bms/+/temperature</c>).</param>
/// <param name="JsonPath">For <see cref="PayloadFormat.Json"/>: dotted path to the number (<c>tank.top</c>, <c>sensors[2].value</c>).</param>
/// <param name="Key">For <see cref="PayloadFormat.KeyValue"/>: the key of the number.</param>
/// <param name="Unit">The unit of the mapped values (and of Offset, Min and Max); a payload that names another unit of the same quantity is converted to it, any other is Bad.</param>
/// <param name="MaxAge">A value older than this is stale: it stops counting as a good value.</param>
/// <param name="Qos">0 or 1; QoS 1 inputs use the persistent session so that none is lost while HeatGrid is away.</param>
public sealed record TopicSignal(
    string Signal,
    string Topic,
    PayloadFormat Format,
    string? JsonPath,
    string? Key,
    Unit Unit,
    double Scale,
    double Offset,
    double? Min,
    double? Max,
    TimeSpan MaxAge,
    int Qos)
{
    /// <summary>The unit readings of <paramref name="signal"/> (this mapping's name, placeholders filled in) carry.</summary>
    public Unit SignalUnitOf(string signal) => SignalUnits.Of(signal) ?? Unit;

    /// <summary>The unit mapped values are in, before conversion: the mapping's, or the signal's where the mapping names none.</summary>
    public Unit ValueUnitOf(string signal) => Unit.IsDimensionless ? SignalUnitOf(signal) : Unit;
}
