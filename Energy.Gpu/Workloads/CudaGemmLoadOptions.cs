using Energy.Gpu.Control;

namespace Energy.Gpu.Workloads;

public sealed record CudaGemmLoadOptions
{
    /// <summary>One work-plus-idle cycle of the duty cycle.</summary>
    public TimeSpan Period { get; init; } = DutyCycleRunner.DefaultPeriod;

    /// <summary>Rate assumed for the first burst (GPU.md: ≈ 667 TFLOP/s for 8192³ bf16 on an H200).</summary>
    public double InitialFlopsPerSecond { get; init; } = 3e14;

    /// <summary>Seeds the operands' pseudo-random values, so runs are repeatable.</summary>
    public uint Seed { get; init; } = 0x9E3779B9;
}
