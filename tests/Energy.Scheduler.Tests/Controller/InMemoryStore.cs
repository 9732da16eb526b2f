using Energy.Telemetry.Storage;

namespace Energy.Scheduler.Tests.Controller;

internal sealed class InMemoryStore : ITimeSeriesStore
{
    public List<TimeSeriesPoint> Points { get; } = [];

    public bool TryWrite(IReadOnlyList<TimeSeriesPoint> points)
    {
        Points.AddRange(points);
        return true;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
