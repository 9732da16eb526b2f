using Energy.Contracts.Units;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Tests.Controller.Agents;
using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.DemandResponse;

/// <summary>Curtailments across restarts of a controller whose contract allows 10 kW, in a temp data folder.</summary>
public sealed class GridLimitPersistenceTests : IDisposable
{
    private static readonly DateTimeOffset Now = FleetRig.Start;

    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-limit-").FullName;
    private readonly FakeTimeProvider _time = new(Now);
    private readonly CapturingLogger<GridLimit> _logger = new();
    private readonly Alarms _alarms;

    public GridLimitPersistenceTests() => _alarms = new Alarms(_time, NullLogger<Alarms>.Instance);

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private string File_ => Path.Combine(_data, GridLimit.FileName);

    private string Floor => Path.Combine(_data, GridLimit.FloorFileName);

    private GridLimit Restart() => new(FleetRig.MakeSite(10_000), _data, _logger, _alarms, _time);

    [Fact]
    public void Restart_Saved_SameCurtailmentsWithWhoSetThem()
    {
        var limit = Restart();
        Assert.Equal(CurtailOutcome.InForce, limit.Curtail("tso-1", Power.FromKilowatts(6), Now, Now.AddMinutes(30), "congestion", "http:10.1.2.3"));
        Assert.Equal(StateFileStatus.Good, StateFile.Read(File_).Status);
        Assert.Equal(StateFileStatus.Good, StateFile.Read(Floor).Status);

        var again = Restart();

        var c = Assert.Single(again.Active(Now));
        Assert.Equal(("tso-1", 6.0, "congestion", "http:10.1.2.3"), (c.Id, c.Cap.Kilowatts, c.Reason, c.SetBy));
        Assert.Empty(_alarms.Current());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(-1)]
    public void Restart_CurtailmentsTruncated_HoldsTheLowestCapSeenUntilItsEndCriticalAndAlarmed(int keep)
    {
        var limit = Restart();
        limit.Curtail("a", Power.FromKilowatts(6), Now, Now.AddMinutes(10), null);
        limit.Curtail("b", Power.FromKilowatts(3), Now, Now.AddMinutes(5), null);
        var bytes = File.ReadAllBytes(File_);
        File.WriteAllBytes(File_, bytes[..(keep >= 0 ? keep : bytes.Length - 2)]);

        var again = Restart();

        // The lowest cap in force (3 kW) until the latest end of any (10 min): never the contract's 10 kW.
        var recovered = Assert.Single(again.Active(Now));
        Assert.Equal((GridLimit.RecoveredId, 3.0, Now.AddMinutes(10)), (recovered.Id, recovered.Cap.Kilowatts, recovered.Until));
        Assert.Equal(Power.FromKilowatts(3), again.CapAt(Now.AddMinutes(9)));
        Assert.Equal(LogLevel.Critical, Assert.Single(_logger.WithEventId(3605)).Level);
        var alarm = Assert.Single(_alarms.Critical());
        Assert.Equal(GridLimit.AlarmKey, alarm.Key);
        Assert.Contains("3 kW until", alarm.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(File_ + ".corrupt"));

        // The assumption is saved, and ends with its known expiry.
        Assert.Equal(Power.FromKilowatts(10), Restart().CapAt(Now.AddMinutes(10)));
        Assert.Empty(_alarms.Critical());
    }

    [Fact]
    public void Restart_CurtailmentsAndFloorBothCorrupt_HoldsZeroForTheLongestCurtailmentUntilCancelled()
    {
        Restart().Curtail("a", Power.FromKilowatts(6), Now, Now.AddMinutes(10), null);
        File.WriteAllText(File_, "[{\"Id\":");
        File.WriteAllText(Floor, "garbage");

        var again = Restart();

        Assert.Equal(Power.Zero, again.CapAt(Now));
        // Until a day (the longest curtailment) after the file's last write: here the real clock's, later than the fake one.
        var written = new DateTimeOffset(File.GetLastWriteTimeUtc(File_ + ".corrupt"), TimeSpan.Zero);
        Assert.Equal(written + GridLimit.LongestDuration, Assert.Single(again.Active(Now)).Until);

        // The operator clears it: logged with who, and the alarm goes.
        Assert.Equal(CancelOutcome.Cancelled, again.Cancel(GridLimit.RecoveredId, Now, "http:127.0.0.1"));
        Assert.Equal(Power.FromKilowatts(10), again.CapAt(Now));
        Assert.Contains("cancelled by http:127.0.0.1", Assert.Single(_logger.WithEventId(3602)).Message, StringComparison.Ordinal);
        Assert.Empty(_alarms.Critical());
    }

    [Fact]
    public void Restart_CurtailmentsMissingWhileTheFloorHoldsACap_HoldsTheFloor()
    {
        Restart().Curtail("a", Power.FromKilowatts(6), Now, Now.AddMinutes(10), null);
        File.Delete(File_);

        var again = Restart();

        Assert.Equal(Power.FromKilowatts(6), again.CapAt(Now));
        Assert.Contains("missing", Assert.Single(_alarms.Critical()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restart_CurtailmentsCorruptButNoneWasInForce_ContractCapAndStillAlarmed()
    {
        var limit = Restart();
        limit.Curtail("a", Power.FromKilowatts(6), Now, Now.AddMinutes(10), null);
        limit.Cancel("a", Now);
        File.WriteAllText(File_, "heatgrid-state v1 sha256=00\n[]");

        var again = Restart();

        Assert.Equal(Power.FromKilowatts(10), again.CapAt(Now));
        Assert.Equal(GridLimit.AlarmKey, Assert.Single(_alarms.Critical()).Key);
    }

    [Fact]
    public void Restart_FileOfAnEarlierVersion_ReadAndRewrittenChecked()
    {
        File.WriteAllText(File_, $"[{{\"Id\":\"old\",\"CapWatts\":5000,\"From\":\"{Now:o}\",\"Until\":\"{Now.AddMinutes(5):o}\",\"Reason\":null}}]");

        var limit = Restart();

        Assert.Equal(Power.FromKilowatts(5), limit.CapAt(Now));
        Assert.Equal(StateFileStatus.Good, StateFile.Read(File_).Status);
        Assert.Empty(_alarms.Current());
    }

    [Fact]
    public void Curtail_DataFolderUnusable_InForceNotPersistedAlarmedLoggedOnce()
    {
        var notAFolder = Path.Combine(_data, "not-a-folder");
        File.WriteAllText(notAFolder, "x");
        var limit = new GridLimit(FleetRig.MakeSite(10_000), notAFolder, _logger, _alarms, _time);

        Assert.Equal(CurtailOutcome.InForceNotPersisted, limit.Curtail("a", Power.FromKilowatts(4), Now, Now.AddMinutes(10), null));
        Assert.Equal(CurtailOutcome.InForceNotPersisted, limit.Curtail("b", Power.FromKilowatts(5), Now, Now.AddMinutes(10), null));
        Assert.Equal(CancelOutcome.CancelledNotPersisted, limit.Cancel("b", Now));

        Assert.Equal(Power.FromKilowatts(4), limit.CapAt(Now));
        Assert.False(limit.Persisted);
        Assert.Single(_logger.WithEventId(3603));
        Assert.Equal(GridLimit.UnsavedAlarmKey, Assert.Single(_alarms.Critical()).Key);
    }
}
