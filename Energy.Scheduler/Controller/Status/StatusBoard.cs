namespace Energy.Scheduler.Controller.Status;

/// <summary>The latest status the control loop has published, for the HTTP API, with what the demo simulates.</summary>
/// <param name="demo">What the demo simulates in this process; shown in every status.</param>
public sealed class StatusBoard(DemoScope? demo = null)
{
    private readonly DemoStatus? _demo = demo?.Status();
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SiteStatus? _status;

    public SiteStatus? Current => Volatile.Read(ref _status);

    /// <summary>Completes when the control loop has published its first status.</summary>
    public Task FirstPublished => _first.Task;

    /// <summary>After each <see cref="Publish"/> (the dashboard's live events); handlers must not block.</summary>
    public event Action? Published;

    public void Publish(SiteStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        Volatile.Write(ref _status, _demo is null ? status : status with { Demo = _demo });
        _first.TrySetResult();
        Published?.Invoke();
    }
}
