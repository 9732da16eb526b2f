namespace Energy.Gpu.Control;

/// <summary>
/// GPU work a <see cref="DutyCycleRunner"/> runs in bursts on its own thread. Every member is called on
/// that thread, so a CUDA context made current in <see cref="Start"/> stays current.
/// </summary>
public interface IDutyCycleWork
{
    /// <summary>Once, before the first burst: make the context current, compile, allocate.</summary>
    void Start();

    /// <summary>
    /// Runs about <paramref name="budget"/> of GPU work and returns when the GPU has finished it.
    /// False when there was nothing to do (the runner then idles a whole period).
    /// </summary>
    bool Run(TimeSpan budget);

    /// <summary>Once, when the runner stops (also after a failed <see cref="Start"/>): free what Start made.</summary>
    void Finish();
}
