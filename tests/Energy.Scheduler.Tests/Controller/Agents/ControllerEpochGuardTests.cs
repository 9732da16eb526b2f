using System.Globalization;
using Energy.Contracts.Agents.Protocol;
using Energy.Scheduler.Controller.Agents;
using Energy.Telemetry.Health;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Tests.Controller.Agents;

/// <summary><see cref="ControllerEpochGuard"/>: someone else commanding the agents is alarmed, and a higher epoch of a real key is taken back.</summary>
public sealed class ControllerEpochGuardTests : IDisposable
{
    private const string Topic = "heatgrid/fleet-test/controller";
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-guard-").FullName;
    private readonly FleetRig _rig = new(withSequencer: true);
    private readonly CapturingLogger<ControllerEpochGuard> _logger = new();
    private readonly Alarms _alarms;
    private readonly ControllerEpochGuard _guard;

    public ControllerEpochGuardTests()
    {
        _alarms = new Alarms(_rig.Time, NullLogger<Alarms>.Instance);
        _guard = new ControllerEpochGuard(_rig.Sequencer!, _alarms, _rig.Time, _logger, _folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Alarm? AlarmOf(string key) => _alarms.Current().FirstOrDefault(a => a.Key == key);

    [Fact]
    public void OnAnnouncement_OurOwn_NothingToDo()
    {
        Assert.False(_guard.OnAnnouncement(_guard.Announcement(true), ["n1"], Topic));
        Assert.Empty(_alarms.Current());
    }

    [Fact]
    public void OnAnnouncement_HigherEpochNotOurs_CriticalAlarmAndOursAgainRateLimited()
    {
        var forged = new ControllerAnnouncement(1, 9_000_000_000_000_000, FleetRig.Start, true);

        Assert.True(_guard.OnAnnouncement(forged, [], Topic));
        Assert.False(_guard.OnAnnouncement(forged, [], Topic));
        _rig.Time.Advance(ControllerEpochGuard.AnnounceEvery);
        Assert.True(_guard.OnAnnouncement(forged, ["n1"], Topic));

        Assert.Equal(AlarmSeverity.Critical, AlarmOf(ControllerEpochGuard.EpochAlarm)?.Severity);
        Assert.Equal(FleetRig.Epoch, _guard.Epoch);
        Assert.Equal(2, _logger.WithEventId(3405).Count);
        Assert.Contains("signed with the key of n1", _logger.WithEventId(3405)[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnAnnouncement_LowerEpoch_OursAgainWithoutAlarm()
    {
        Assert.True(_guard.OnAnnouncement(new ControllerAnnouncement(1, FleetRig.Epoch - 1, FleetRig.Start, false), [], Topic));
        Assert.Null(AlarmOf(ControllerEpochGuard.EpochAlarm));
    }

    [Fact]
    public void OnAgentEpoch_NotAbove_Nothing()
    {
        Assert.False(_guard.OnAgentEpoch("n1", FleetRig.Epoch));
        Assert.Equal(FleetRig.Epoch, _guard.Epoch);
        Assert.Empty(_alarms.Current());
    }

    [Fact]
    public void OnAgentEpoch_Above_MovesAboveKeepsItAndAlarmsAtMostEveryMoveEvery()
    {
        var theirs = FleetRig.Start.ToUnixTimeMilliseconds() + 60_000;

        Assert.True(_guard.OnAgentEpoch("n1", theirs));

        Assert.Equal(theirs + 1, _guard.Epoch);
        Assert.Equal(theirs + 1, _rig.Sequencer!.Epoch);
        Assert.Equal((theirs + 1).ToString(CultureInfo.InvariantCulture), Energy.Telemetry.Storage.StateFile.Read(Path.Combine(_folder, ControllerEpoch.FileName)).Body);
        Assert.Equal(AlarmSeverity.Critical, AlarmOf(ControllerEpochGuard.EpochAlarm)?.Severity);
        Assert.Single(_logger.WithEventId(3407));

        // The next batches carry the new epoch.
        var batches = _rig.Sequencer.Sequence([], new CapLimits(Contracts.Units.Power.FromWatts(10_000), Contracts.Units.Power.FromWatts(FleetRig.BaseW)), _rig.Now, _rig.Now.AddSeconds(10));
        Assert.All(batches.Batches, b => Assert.Equal(theirs + 1, b.Epoch));

        Assert.False(_guard.OnAgentEpoch("n2", theirs + 5));
        _rig.Time.Advance(ControllerEpochGuard.MoveEvery);
        Assert.True(_guard.OnAgentEpoch("n2", theirs + 5));
        Assert.Equal(theirs + 6, _guard.Epoch);
    }

    [Fact]
    public void OnAgentEpoch_NoControllerWouldIssueIt_NotFollowedAndAlarmed()
    {
        Assert.False(_guard.OnAgentEpoch("n1", ControllerEpochGuard.Ceiling));

        Assert.Equal(FleetRig.Epoch, _guard.Epoch);
        Assert.Equal(AlarmSeverity.Critical, AlarmOf(ControllerEpochGuard.EpochAlarm)?.Severity);
        Assert.Single(_logger.WithEventId(3408));
    }

    [Theory]
    [InlineData("controller epoch 100 is older than 200", true)]
    [InlineData("sequence 3 is older than 1000000", true)]
    [InlineData("expired at 2026-01-15T12:00:00Z", false)]
    public void OnRefusal_RefusedAsOlder_CommandedElsewhereAlarm(string refusal, bool alarmed)
    {
        _guard.OnRefusal(new AssignmentAck(1, "n1", FleetRig.Epoch, 3, _rig.Now, 0, 0, refusal, []));

        Assert.Equal(alarmed, AlarmOf(ControllerEpochGuard.OverriddenAlarm) is { Severity: AlarmSeverity.Critical });
        Assert.Equal(alarmed ? 1 : 0, _logger.WithEventId(3406).Count);
    }
}
