using System.Collections.Concurrent;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// Refused messages counted per node, and when to log them: the first at once, then at most one line per
/// <see cref="LogEvery"/> per node with the count so far, so a flood of forged messages cannot flood the log.
/// At most <see cref="MaxNodes"/> nodes are counted apart; any further (names an attacker made up) share one.
/// </summary>
public sealed class RefusalCounter(TimeProvider time)
{
    public const int MaxNodes = 4096;
    public const string OtherNodes = "(other)";
    public static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Entry> _nodes = new(StringComparer.Ordinal);
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    /// <summary>Refusals counted for this node's topics.</summary>
    public long Of(string node) => _nodes.TryGetValue(node, out var e) ? Interlocked.Read(ref e.Count) : 0;

    /// <summary>Counts one refusal; true when it is to be logged, with the node's count so far.</summary>
    public bool Count(string node, out long count)
    {
        ArgumentNullException.ThrowIfNull(node);
        Interlocked.Increment(ref _total);
        if (!_nodes.TryGetValue(node, out var entry))
        {
            entry = _nodes.Count < MaxNodes ? _nodes.GetOrAdd(node, _ => new Entry()) : _nodes.GetOrAdd(OtherNodes, _ => new Entry());
        }

        count = Interlocked.Increment(ref entry.Count);
        var now = time.GetUtcNow();
        lock (entry)
        {
            if (count > 1 && now - entry.LoggedAt < LogEvery)
            {
                return false;
            }

            entry.LoggedAt = now;
            return true;
        }
    }

    private sealed class Entry
    {
        public long Count;
        public DateTimeOffset LoggedAt = DateTimeOffset.MinValue;
    }
}
