using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Telemetry.Tests.Storage;

public sealed class DataFolderProbeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-probe-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CapturingLogger<DataFolderProbe> _logger = new();

    public void Dispose()
    {
        if (File.Exists(Data))
        {
            File.Delete(Data);
        }

        Directory.Delete(_folder, recursive: true);
    }

    private string Data => Path.Combine(_folder, "data");

    [Fact]
    public void Probe_FolderGoneThenBack_CriticalAlarmWhileItRefusesLoggedOncePerChange()
    {
        Directory.CreateDirectory(Data);
        var alarms = new Alarms(_time, NullLogger<Alarms>.Instance);
        var probe = new DataFolderProbe(Data, alarms, _time, _logger);
        Assert.True(probe.Probe());
        Assert.Empty(Directory.GetFiles(Data));   // the probe leaves nothing behind

        Directory.Delete(Data);
        File.WriteAllText(Data, "a file where the folder was");
        Assert.False(probe.Probe());
        Assert.False(probe.Probe());

        var alarm = Assert.Single(alarms.Critical());
        Assert.Equal(DataFolderProbe.AlarmKey, alarm.Key);
        Assert.Contains("is not writable", alarm.Message, StringComparison.Ordinal);
        Assert.Single(_logger.WithEventId(1653));

        File.Delete(Data);
        Directory.CreateDirectory(Data);
        Assert.True(probe.Probe());
        Assert.Empty(alarms.Critical());
        Assert.Single(_logger.WithEventId(1654));
    }
}
