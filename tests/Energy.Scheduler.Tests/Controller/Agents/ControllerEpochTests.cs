using System.Globalization;
using Energy.Scheduler.Controller.Agents;
using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.Agents;

public sealed class ControllerEpochTests : IDisposable
{
    private static readonly DateTimeOffset Start = FleetRig.Start;

    private readonly string _dataFolder = Directory.CreateTempSubdirectory("heatgrid-epoch-").FullName;

    public void Dispose() => Directory.Delete(_dataFolder, recursive: true);

    private string FilePath => Path.Combine(_dataFolder, ControllerEpoch.FileName);

    [Fact]
    public void Next_NoDataFolder_StartInUnixMilliseconds() =>
        Assert.Equal(Start.ToUnixTimeMilliseconds(), ControllerEpoch.Next(null, new FakeTimeProvider(Start)));

    [Fact]
    public void Next_ClockLater_ClockAndKept()
    {
        var first = ControllerEpoch.Next(_dataFolder, new FakeTimeProvider(Start));
        var second = ControllerEpoch.Next(_dataFolder, new FakeTimeProvider(Start.AddMinutes(1)));

        Assert.Equal((Start.ToUnixTimeMilliseconds(), Start.AddMinutes(1).ToUnixTimeMilliseconds()), (first, second));
        Assert.Equal(second.ToString(CultureInfo.InvariantCulture), StateFile.Read(FilePath).Body);
    }

    [Fact]
    public void Next_ClockSetBack_StillRises()
    {
        var first = ControllerEpoch.Next(_dataFolder, new FakeTimeProvider(Start));
        var second = ControllerEpoch.Next(_dataFolder, new FakeTimeProvider(Start.AddHours(-1)));
        var third = ControllerEpoch.Next(_dataFolder, new FakeTimeProvider(Start.AddHours(-2)));

        Assert.Equal([first, first + 1, first + 2], [first, second, third]);
        Assert.Equal(third.ToString(CultureInfo.InvariantCulture), StateFile.Read(FilePath).Body);
        Assert.False(File.Exists(FilePath + ".tmp"));
    }

    [Theory]
    [InlineData("not a number")]
    [InlineData("")]
    [InlineData("17199")]   // a 13-digit epoch cut short
    public void Next_LegacyFileCorrupt_MovesADayAheadOfClockAndFileLoggedAndAlarmed(string content)
    {
        File.WriteAllText(FilePath, content);
        var written = new DateTimeOffset(File.GetLastWriteTimeUtc(FilePath), TimeSpan.Zero);
        var logger = new CapturingLogger<ControllerEpochTests>();
        var time = new FakeTimeProvider(Start);
        var alarms = new Alarms(time, NullLogger<Alarms>.Instance);

        var epoch = ControllerEpoch.Next(_dataFolder, time, logger, alarms);

        var later = Math.Max(Start.ToUnixTimeMilliseconds(), written.ToUnixTimeMilliseconds());
        Assert.Equal(later + (long)ControllerEpoch.JumpWhenLost.TotalMilliseconds, epoch);
        Assert.Equal(epoch.ToString(CultureInfo.InvariantCulture), StateFile.Read(FilePath).Body);
        Assert.Equal(LogLevel.Critical, Assert.Single(logger.WithEventId(3605)).Level);
        Assert.Equal(AlarmSeverity.Critical, Assert.Single(alarms.Critical()).Severity);
        Assert.Equal(ControllerEpoch.AlarmKey, Assert.Single(alarms.Critical()).Key);
    }

    [Fact]
    public void Next_CheckedFileTruncated_NeverReusesAnEpoch()
    {
        var time = new FakeTimeProvider(Start);
        var first = ControllerEpoch.Next(_dataFolder, time);
        var bytes = File.ReadAllBytes(FilePath);
        File.WriteAllBytes(FilePath, bytes[..^3]);   // still digits, but not the digits written
        var setBack = new FakeTimeProvider(Start.AddHours(-1));   // and the clock set back

        var second = ControllerEpoch.Next(_dataFolder, setBack, alarms: new Alarms(setBack, NullLogger<Alarms>.Instance));

        Assert.True(second > first, $"{second} after {first}");
        Assert.True(File.Exists(FilePath + ".corrupt"));
    }

    [Fact]
    public void Next_MissingWhileOtherStateSaysAControllerRanHere_MovesAhead()
    {
        File.WriteAllText(Path.Combine(_dataFolder, "dr-events.jsonl"), "");
        var time = new FakeTimeProvider(Start);
        var alarms = new Alarms(time, NullLogger<Alarms>.Instance);

        var epoch = ControllerEpoch.Next(_dataFolder, time, alarms: alarms);

        Assert.True(epoch >= Start.ToUnixTimeMilliseconds() + (long)ControllerEpoch.JumpWhenLost.TotalMilliseconds);
        Assert.Contains("missing, although dr-events.jsonl", Assert.Single(alarms.Critical()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_FirstStartInAnEmptyFolder_ClockWithoutAlarm()
    {
        var time = new FakeTimeProvider(Start);
        var alarms = new Alarms(time, NullLogger<Alarms>.Instance);

        Assert.Equal(Start.ToUnixTimeMilliseconds(), ControllerEpoch.Next(_dataFolder, time, alarms: alarms));
        Assert.Empty(alarms.Current());
    }

    [Fact]
    public void Next_FolderNotWritable_ClockWithoutThrowing()
    {
        var file = Path.Combine(_dataFolder, "not-a-folder");
        File.WriteAllText(file, "x");

        Assert.Equal(Start.ToUnixTimeMilliseconds(), ControllerEpoch.Next(file, new FakeTimeProvider(Start)));
    }
}
