namespace Energy.Telemetry.Storage;

/// <summary>One value of one series: a measurement with tags and a field, as InfluxDB's line protocol has it.</summary>
public sealed record TimeSeriesPoint(
    string Measurement,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    string Field,
    double Value,
    DateTimeOffset Timestamp);
