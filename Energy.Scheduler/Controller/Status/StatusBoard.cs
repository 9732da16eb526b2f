namespace Energy.Scheduler.Controller.Status;

/// <summary>The latest status the control loop has published, for the HTTP API.</summary>
public sealed class StatusBoard
{
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SiteStatus? _status;

    public SiteStatus? Current => Volatile.Read(ref _status);

    /// <summary>Completes when the control loop has published its first status.</summary>
    public Task FirstPublished => _first.Task;

    public void Publish(SiteStatus status)
    {
        Volatile.Write(ref _status, status);
        _first.TrySetResult();
    }
}
