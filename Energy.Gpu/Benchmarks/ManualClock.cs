namespace Energy.Gpu.Benchmarks;

/// <summary>A clock that only moves when told: the bench runs simulated seconds as fast as the CPU allows.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan delta) => _now += delta;
}
