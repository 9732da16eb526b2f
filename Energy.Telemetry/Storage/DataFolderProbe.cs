using Energy.Telemetry.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Storage;

/// <summary>
/// Checks every <see cref="Period"/> that the data folder takes a write (a small file, flushed to the disk,
/// then removed): a read-only, full or vanished folder holds the critical alarm <c>state.dataFolder</c>, so
/// <c>/health</c> says degraded with the reason even while nothing else happens to write; it is cleared, and
/// logged, when the folder takes writes again.
/// </summary>
public sealed class DataFolderProbe(string dataFolder, Alarms alarms, TimeProvider time, ILogger<DataFolderProbe> logger) : BackgroundService
{
    public const string AlarmKey = "state.dataFolder";
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);
    private const string ProbeFile = ".write-probe";

    private string? _failing;

    /// <summary>Whether the last probe's write went through.</summary>
    public bool Writable => _failing is null;

    /// <summary>One probe: true when the folder took the write.</summary>
    public bool Probe()
    {
        var path = Path.Combine(dataFolder, ProbeFile);
        try
        {
            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write("probe\n"u8);
                stream.Flush(flushToDisk: true);
            }

            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_failing != e.Message)
            {
                _failing = e.Message;
                Log.DataFolderNotWritable(logger, dataFolder, e.Message);
                alarms.Hold(AlarmKey, $"the data folder {dataFolder} is not writable ({e.Message}): state changes are kept in memory only and are lost at a restart",
                    AlarmSeverity.Critical);
            }

            return false;
        }

        if (_failing is not null)
        {
            _failing = null;
            Log.DataFolderWritableAgain(logger, dataFolder);
            alarms.Clear(AlarmKey);
        }

        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            Probe();
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
