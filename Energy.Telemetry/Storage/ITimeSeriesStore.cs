namespace Energy.Telemetry.Storage;

/// <summary>
/// Where telemetry goes for charts and billing: an embedded file store by default, InfluxDB (or
/// VictoriaMetrics) in production. Writes are buffered; nothing accepted is dropped silently.
/// </summary>
public interface ITimeSeriesStore
{
    /// <summary>Queues points for writing. Returns false (and counts them) only when the buffer is full.</summary>
    bool TryWrite(IReadOnlyList<TimeSeriesPoint> points);

    /// <summary>Writes everything queued so far.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
