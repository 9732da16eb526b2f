using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Telemetry.Tests.Health;

public sealed class AlarmsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void AnEvent_IsCountedAndShownUntilItsHoldHasPassedSinceItsLastOccurrence()
    {
        var alarms = new Alarms(_time, NullLogger<Alarms>.Instance);
        alarms.Raise("agents.forged", "forged assign from n1");
        _time.Advance(TimeSpan.FromMinutes(10));
        alarms.Raise("agents.forged", "forged assign from n2");

        var shown = Assert.Single(alarms.Current());
        Assert.Equal(2, shown.Count);
        Assert.Equal("forged assign from n2", shown.Message);

        _time.Advance(Alarms.EventHold - TimeSpan.FromSeconds(1));
        Assert.True(alarms.IsRaised("agents.forged"));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(alarms.Current());
    }

    [Fact]
    public void ACondition_StaysUntilCleared_AndOnlyCriticalOnesAreCritical()
    {
        var alarms = new Alarms(_time, NullLogger<Alarms>.Instance);
        alarms.Hold("state.readOnly", "the data folder is read-only", AlarmSeverity.Critical);
        alarms.Raise("prices.refused", "a price of 1e12");
        _time.Advance(TimeSpan.FromDays(1));

        Assert.Equal("state.readOnly", Assert.Single(alarms.Critical()).Key);
        alarms.Clear("state.readOnly");
        Assert.Empty(alarms.Current());
    }

    [Fact]
    public void ManyDistinctKeys_AreBounded_UnderOneCriticalOverflowAlarm()
    {
        var alarms = new Alarms(_time, NullLogger<Alarms>.Instance);
        for (var i = 0; i < Alarms.MaxAlarms + 1000; i++)
        {
            alarms.Raise($"k{i}", "m");
        }

        var shown = alarms.Current();
        Assert.Equal(Alarms.MaxAlarms + 1, shown.Count);
        Assert.Equal(1000, shown.Single(a => a.Key == Alarms.OverflowKey).Count);
        Assert.Equal(AlarmSeverity.Critical, shown[0].Severity);
    }
}
