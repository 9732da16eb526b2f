namespace Energy.Scheduler.Status;

/// <summary>The latest status the control loop has published, for the HTTP API.</summary>
public sealed class StatusBoard
{
    private SiteStatus? _status;

    public SiteStatus? Current => Volatile.Read(ref _status);

    public void Publish(SiteStatus status) => Volatile.Write(ref _status, status);
}
