using Energy.Gpu.Control;
using Energy.Gpu.Mining;

namespace Energy.Gpu.Workloads;

public sealed record CudaMiningLoadOptions
{
    /// <summary>One work-plus-idle cycle of the duty cycle.</summary>
    public TimeSpan Period { get; init; } = DutyCycleRunner.DefaultPeriod;

    /// <summary>Rate assumed for the first burst, before any is measured (GPU.md: 6.7–7.0 GH/s on an H200).</summary>
    public double InitialHashesPerSecond { get; init; } = 5e9;

    /// <summary>The fewest nonces a burst searches, so launch overheads stay small next to the work.</summary>
    public long MinBurstNonces { get; init; } = 1 << 20;

    /// <summary>Nonces per kernel launch within a burst (see <see cref="GpuNonceSearchOptions.LaunchNonces"/>).</summary>
    public long LaunchNonces { get; init; } = 1L << 30;

    public CudaSha256dKernelOptions Kernel { get; init; } = new();
}
