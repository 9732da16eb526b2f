namespace Energy.Gpu.Control;

/// <summary>
/// How much work (hashes, FLOPs) the GPU gets through per second while busy, smoothed over bursts, so
/// the next burst can be sized to its time budget. Used on one thread; <see cref="PerSecond"/> may be
/// read from others.
/// </summary>
public sealed class ThroughputEstimate
{
    private readonly double _smoothing;
    private double _perSecond;

    /// <param name="initialPerSecond">A guess for the first burst; an overrun only lengthens that burst.</param>
    /// <param name="smoothing">Weight of each new burst, (0, 1].</param>
    public ThroughputEstimate(double initialPerSecond, double smoothing = 0.3)
    {
        if (!double.IsFinite(initialPerSecond) || initialPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(initialPerSecond), initialPerSecond, "Must be finite and positive.");
        }

        if (!(smoothing > 0 && smoothing <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "Must be within (0, 1].");
        }

        _perSecond = initialPerSecond;
        _smoothing = smoothing;
    }

    public double PerSecond => Volatile.Read(ref _perSecond);

    /// <summary>Work expected to fill <paramref name="budget"/>.</summary>
    public double WorkFor(TimeSpan budget) => PerSecond * Math.Max(0, budget.TotalSeconds);

    /// <summary>Folds in a burst; bursts without work or time say nothing and are ignored.</summary>
    public void Observe(double work, TimeSpan elapsed)
    {
        if (!(work > 0) || elapsed <= TimeSpan.Zero)
        {
            return;
        }

        var rate = work / elapsed.TotalSeconds;
        Volatile.Write(ref _perSecond, _perSecond + (_smoothing * (rate - _perSecond)));
    }
}
