using System.Threading.Channels;
using Energy.Scheduler.Controller.Agents;

namespace Energy.Scheduler.Controller;

/// <summary>The fleet as the control loop read it at one tick: the readings its status was made from.</summary>
/// <param name="At">When it was read.</param>
/// <param name="Gpus">Every GPU, with its energy counter.</param>
public sealed record FleetSample(DateTimeOffset At, IReadOnlyList<FleetGpu> Gpus);

/// <summary>
/// The control loop's fleet readings, handed on to those who keep books of them (the energy ledger), so that the
/// books and <c>/api/status</c> are made from the same counter readings. Never blocks the loop: a reader that falls
/// behind loses the oldest samples, which costs it only resolution, since energy counters are cumulative.
/// </summary>
public sealed class FleetSamples
{
    /// <summary>Samples held for a slow reader (about a minute of ticks).</summary>
    public const int Capacity = 64;

    private readonly Channel<FleetSample> _channel = Channel.CreateBounded<FleetSample>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });

    private long _published;

    /// <summary>Samples published so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    public ChannelReader<FleetSample> Reader => _channel.Reader;

    public void Publish(DateTimeOffset at, IReadOnlyList<FleetGpu> gpus)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        _channel.Writer.TryWrite(new FleetSample(at, gpus));
        Interlocked.Increment(ref _published);
    }
}
