using Energy.Scheduler.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Security;

public sealed class FailedAuthenticationsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TenFailuresInAMinute_RefusedUntilTheWindowEnds_OtherAddressesNot()
    {
        var alarms = new Energy.Telemetry.Health.Alarms(_time, NullLogger<Energy.Telemetry.Health.Alarms>.Instance);
        var failures = new FailedAuthentications(_time, NullLogger<FailedAuthentications>.Instance, alarms);
        for (var i = 0; i < FailedAuthentications.MaxFailures - 1; i++)
        {
            failures.Failed("10.0.0.9", "wrong");
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Null(failures.RetryAfter("10.0.0.9"));
        failures.Failed("10.0.0.9", "wrong");

        Assert.Equal(TimeSpan.FromSeconds(15), failures.RetryAfter("10.0.0.9"));
        Assert.Null(failures.RetryAfter("10.0.0.10"));
        Assert.Contains(alarms.Current(), a => a.Key == FailedAuthentications.AlarmKey);

        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Null(failures.RetryAfter("10.0.0.9"));
    }

    [Fact]
    public void FailuresSpreadOverMinutes_NeverRefused()
    {
        var failures = new FailedAuthentications(_time, NullLogger<FailedAuthentications>.Instance);
        for (var i = 0; i < 30; i++)
        {
            failures.Failed("10.0.0.9", "wrong");
            _time.Advance(TimeSpan.FromSeconds(10));
            Assert.Null(failures.RetryAfter("10.0.0.9"));
        }
    }
}
