namespace Energy.Gpu.Benchmarks;

public sealed record CudaBenchOptions
{
    /// <summary>The timed SHA-256d window, and how long each power target is held.</summary>
    public double Seconds { get; init; } = 10;

    /// <summary>Which paired GPU of the host (<see cref="Devices.NvidiaHost.Gpus"/>) to bench.</summary>
    public int GpuIndex { get; init; }

    /// <summary>n of the n³ bf16 GEMM.</summary>
    public int GemmSize { get; init; } = 8192;

    public int GemmWarmup { get; init; } = 5;

    public int GemmIterations { get; init; } = 30;

    /// <summary>Sampling period of the 1-s average while holding a power target.</summary>
    public TimeSpan SamplePeriod { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait for the heater's first burst (allocation and operand fill) before tracking starts.</summary>
    public TimeSpan LoadStartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
