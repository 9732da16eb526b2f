using System.Diagnostics;

namespace Energy.IntegrationTests.Support;

/// <summary>Waiting in a test for something another thread, process or server makes true.</summary>
internal static class Poll
{
    /// <summary>Returns once <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, $"timed out after {timeout.TotalSeconds:F0} s waiting for {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}
