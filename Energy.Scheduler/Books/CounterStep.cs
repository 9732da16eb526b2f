namespace Energy.Scheduler.Books;

/// <summary>
/// The energy between two readings of a monotonic counter (NVML total energy, a meter's energy register).
/// A counter that goes backwards was reset (a new process's simulated counter, a driver reload, a meter
/// replaced): it counted from zero since, so its new value is the energy since the reset.
/// </summary>
/// <param name="Kwh">Energy between the readings (never negative).</param>
/// <param name="Reset">The counter went backwards.</param>
public readonly record struct CounterStep(double Kwh, bool Reset)
{
    /// <summary>Backwards by less than this is rounding (a float32 register), not a reset.</summary>
    public const double ToleranceKwh = 1e-6;

    public static CounterStep Between(double last, double now)
    {
        var diff = now - last;
        return diff >= -ToleranceKwh ? new(Math.Max(0, diff), false) : new(Math.Max(0, now), true);
    }
}
