namespace Energy.Gpu.Control;

/// <summary>Tuning of <see cref="PowerController"/>. Gains act on the error as a fraction of the workload's power span.</summary>
public sealed record PowerControllerOptions
{
    /// <summary>How often instant power is read and the duty cycle set (NVML's instant field refreshes ≈ every 25 ms).</summary>
    public TimeSpan SamplePeriod { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Proportional gain (duty per unit of normalised error).</summary>
    public double Proportional { get; init; } = 0.4;

    /// <summary>Integral gain (duty per unit of normalised error per second).</summary>
    public double Integral { get; init; } = 1.5;

    /// <summary>
    /// The integral only runs while the error is within this fraction of the span, so the lag after a step does
    /// not wind it up (the feedforward handles the step; the integral trims the model's error).
    /// </summary>
    public double IntegralBand { get; init; } = 0.1;

    /// <summary>
    /// Outside <see cref="IntegralBand"/> the integral still runs once power moves less than this fraction of the
    /// span per sample: the GPU has settled away from the target because the model is off.
    /// </summary>
    public double SteadyBand { get; init; } = 0.01;

    /// <summary>Error, as a fraction of the target, above which a pinned duty cycle counts as out of reach.</summary>
    public double ReachTolerance { get; init; } = 0.05;

    /// <summary>How long the duty cycle must sit pinned at 0 or 1 with the error outside tolerance before the target is reported out of reach.</summary>
    public TimeSpan SaturationGrace { get; init; } = TimeSpan.FromSeconds(2);
}
