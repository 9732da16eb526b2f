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
    /// <summary>Backwards by less than this, or by less than <see cref="RelativeTolerance"/> of the reading, is rounding, not a reset.</summary>
    public const double ToleranceKwh = 1e-6;

    /// <summary>
    /// A float32 register carries about 7 digits: at 20,000 kWh one step is 0.002 kWh, so a reading rounded once more (by a
    /// gateway, a meter module's refresh) may come back a step lower. A reset goes back to near zero, far beyond this.
    /// </summary>
    public const double RelativeTolerance = 1e-6;

    public static CounterStep Between(double last, double now)
    {
        var diff = now - last;
        var tolerance = Math.Max(ToleranceKwh, Math.Abs(last) * RelativeTolerance);
        return diff >= -tolerance ? new(Math.Max(0, diff), false) : new(Math.Max(0, now), true);
    }
}
