using Energy.Contracts.Agents.Protocol;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Tests.Controller.Agents;

namespace Energy.Scheduler.Tests.Controller.DemandResponse;

public sealed class DemandResponseSummaryTests
{
    private static readonly DateTimeOffset At = FleetRig.Start;

    /// <summary>A shed at <paramref name="hz"/> Hz (deadline by stage), commanded 3 ms after the signal, observed down after <paramref name="downMs"/> (null: not yet).</summary>
    private static DemandResponseEvent Shed(int n, double? downMs, double deadlineSeconds = 1.0, string reading = "nvml-instant") =>
        new DemandResponseEvent(AgentJson.Version, $"node-{n}", $"node-{n}-1", "frequency", 49.55, 49.6, deadlineSeconds, At, At.AddMilliseconds(1),
            At.AddMilliseconds(1 + n), downMs is { } ms ? At.AddMilliseconds(ms) : null, 4000, 640, 8)
        { PowerReading = reading, PowerReadingWindowMs = reading == "nvml-instant" ? 25 : 1000 };

    [Fact]
    public void Of_FrequencySheds_PowerDownPercentilesMetAndLateAgainstTheDeadline()
    {
        // 100 agents: 97 down after 100 … 196 ms, two after 1.2 and 1.5 s (late), one not yet observed.
        var events = Enumerable.Range(0, 97).Select(i => Shed(i, 100 + i))
            .Append(Shed(97, 1200, reading: "nvml-average")).Append(Shed(98, 1500, reading: "nvml-average")).Append(Shed(99, null)).ToList();

        var summary = DemandResponseSummary.Of(events);

        Assert.Equal(100, summary.Events);
        var frequency = Assert.Single(summary.Kinds);
        Assert.Equal(("frequency", 100, 99, 97, 2, 1), (frequency.Kind, frequency.Count, frequency.Observed, frequency.Met, frequency.Late, frequency.NotObserved));

        // Nearest rank over the 99 observed: p50 is the 50th (149 ms), p99 the 99th (1.5 s).
        Assert.Equal((0.149, 1.5, 1.5), (frequency.PowerDownP50Seconds, frequency.PowerDownP99Seconds, frequency.PowerDownMaxSeconds));
        Assert.Equal((49.0, 98.0), (frequency.CommandP50Ms, frequency.CommandP99Ms));   // seen at 1 ms, commanded n ms later (n = 0 … 99)
        Assert.Equal(["nvml-average", "nvml-instant"], frequency.PowerReadings);
        var deadline = Assert.Single(frequency.Deadlines);
        Assert.Equal((1.0, 100, 99, 97), (deadline.DeadlineSeconds, deadline.Count, deadline.Observed, deadline.Met));
    }

    [Fact]
    public void Of_StagesWithOtherDeadlines_EachCountedAgainstItsOwn()
    {
        // 0.8 s meets the 1.0-s stage and misses the 0.7-s one.
        var summary = DemandResponseSummary.Of([Shed(1, 800, 1.0), Shed(2, 800, 0.7), Shed(3, 300, 0.7)]);

        var frequency = Assert.Single(summary.Kinds);
        Assert.Equal((2, 1), (frequency.Met, frequency.Late));
        Assert.Equal([0.7, 1.0], frequency.Deadlines.Select(d => d.DeadlineSeconds));
        Assert.Equal((2, 1, 0.3, 0.8), (frequency.Deadlines[0].Count, frequency.Deadlines[0].Met, frequency.Deadlines[0].PowerDownP50Seconds, frequency.Deadlines[0].PowerDownMaxSeconds));
        Assert.Equal((1, 1), (frequency.Deadlines[1].Count, frequency.Deadlines[1].Met));
    }

    [Fact]
    public void Of_KindsApart_RestoresNeverObservedAndWithoutDeadlines()
    {
        var restore = new DemandResponseEvent(AgentJson.Version, "node-1", "node-1-2", "restore", 49.9, 49.6, 0, At, At.AddSeconds(30), At.AddSeconds(30), null, 640, 4000, 8);
        var curtail = new DemandResponseEvent(AgentJson.Version, "controller", "tso-1", "curtail", 300, 300, 900, At, At, At.AddMilliseconds(2),
            At.AddSeconds(2.5), 800_000, 290_000, 0);

        var summary = DemandResponseSummary.Of([Shed(1, 120), restore, curtail]);

        Assert.Equal(["curtail", "frequency", "restore"], summary.Kinds.Select(k => k.Kind));
        var c = summary.Kinds[0];
        Assert.Equal((1, 1, 1, 2.5), (c.Count, c.Observed, c.Met, c.PowerDownP50Seconds));
        Assert.Empty(c.PowerReadings);   // the controller's meter reading does not say which
        var r = summary.Kinds[2];
        Assert.Equal((1, 0, 0, 0, 1), (r.Count, r.Observed, r.Met, r.Late, r.NotObserved));
        Assert.Null(r.PowerDownP50Seconds);
        Assert.Empty(r.Deadlines);
    }

    [Fact]
    public void Of_NoEvents_Empty()
    {
        var summary = DemandResponseSummary.Of([]);

        Assert.Equal(0, summary.Events);
        Assert.Empty(summary.Kinds);
    }

    [Theory]
    [InlineData(0.50, 3)]
    [InlineData(0.99, 5)]
    [InlineData(0.01, 1)]
    public void NearestRank_SortedValues_TheValueAtCeilPN(double p, double expected)
    {
        Assert.Equal(expected, DemandResponseSummary.NearestRank([1, 2, 3, 4, 5], p));
    }
}
