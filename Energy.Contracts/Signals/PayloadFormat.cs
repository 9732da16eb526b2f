namespace Energy.Contracts.Signals;

/// <summary>How a message carries its value.</summary>
public enum PayloadFormat
{
    /// <summary>The payload is the number: <c>61.2</c>.</summary>
    Plain,

    /// <summary>A JSON document; the number sits at <see cref="TopicSignal.JsonPath"/>: <c>{"tank":{"top":61.2}}</c>.</summary>
    Json,

    /// <summary>JSON with value, unit and optional timestamp: <c>{"value":61.2,"unit":"°C","timestamp":"2024-01-01T12:00:00Z"}</c>.</summary>
    JsonValueUnit,

    /// <summary>Pairs such as <c>temp=61.2;unit=C</c>; the number is under <see cref="TopicSignal.Key"/>.</summary>
    KeyValue,
}
