using System.Collections.Concurrent;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Security;

/// <summary>
/// Failed authentications per remote address: after <see cref="MaxFailures"/> wrong keys within a <see cref="Window"/>
/// (counted from the first), that address is answered 429 until the window is over, so that keys cannot be guessed
/// at the speed of the network. Logged and raised as an alarm once per address and window.
/// </summary>
public sealed class FailedAuthentications(TimeProvider time, ILogger<FailedAuthentications> logger, Alarms? alarms = null)
{
    public const int MaxFailures = 10;
    public const string AlarmKey = "auth.failures";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Addresses kept at most; a flood of addresses drops the windows that are over first, then all.</summary>
    private const int MaxAddresses = 10_000;

    private readonly ConcurrentDictionary<string, Count> _counts = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="address"/> is still refused, or null when it may try.</summary>
    public TimeSpan? RetryAfter(string address)
    {
        var now = time.GetUtcNow();
        return _counts.TryGetValue(address, out var c) && c.Failures >= MaxFailures && c.Start + Window > now ? c.Start + Window - now : null;
    }

    public void Failed(string address, string reason)
    {
        var now = time.GetUtcNow();
        if (_counts.Count >= MaxAddresses)
        {
            foreach (var over in _counts.Where(p => p.Value.Start + Window <= now).Select(p => p.Key).ToList())
            {
                _counts.TryRemove(over, out _);
            }

            if (_counts.Count >= MaxAddresses)
            {
                _counts.Clear();
            }
        }

        var count = _counts.AddOrUpdate(address, _ => new Count(now, 1), (_, c) => c.Start + Window <= now ? new Count(now, 1) : c with { Failures = c.Failures + 1 });
        Log.AuthenticationFailed(logger, address, reason);
        if (count.Failures == MaxFailures)
        {
            var until = count.Start + Window;
            Log.AuthenticationsLimited(logger, address, count.Failures, Window.TotalSeconds, until);
            alarms?.Raise(AlarmKey, $"{address} tried {count.Failures} wrong API keys within {Window.TotalSeconds:0} s; refused until {until:HH:mm:ss} UTC");
        }
    }

    private sealed record Count(DateTimeOffset Start, int Failures);
}
