namespace Energy.Scheduler;

internal static class PeriodicTimerExtensions
{
    /// <summary>Waits for the next tick; false once stopping was requested, instead of throwing.</summary>
    public static async Task<bool> TickOrStopAsync(this PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
