using Energy.Contracts.Units;

namespace Energy.Gpu.Benchmarks;

/// <summary>
/// A GPU model the simulation knows, with the anchors its modelled rates come from (GPU.md): hashcat's SHA-256
/// rate (one compression per candidate) and the dense bf16 tensor peak.
/// </summary>
public sealed record SimulatedGpuSpec(string Model, Power MinPower, Power IdlePower, Power MaxPower, double Sha256Ghs, double Bf16DenseTflops)
{
    /// <summary>SHA-256d needs two compressions per nonce after the midstate.</summary>
    public const double CompressionsPerSha256d = 2;

    /// <summary>A plain NVRTC SHA-256d kernel reached 6.7–7.0 GH/s on the H200 against ≈ 8.1 ideal (16.2 / 2): ≈ 0.85.</summary>
    public const double PlainKernelEfficiency = 0.85;

    /// <summary>An 8192³ bf16 matmul on the H200 ran at ≈ 668 TFLOP/s of its 989 peak on the 700 W cap: ≈ 0.675.</summary>
    public const double GemmFractionOfPeak = 0.675;

    public static readonly SimulatedGpuSpec H100Sxm = new("H100 SXM 80GB", Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700), 16.2, 989);

    public static readonly SimulatedGpuSpec H200 = new("H200 141GB", Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700), 16.2, 989);

    public static IReadOnlyList<SimulatedGpuSpec> All { get; } = [H100Sxm, H200];

    /// <summary>Modelled SHA-256d rate of a plain kernel.</summary>
    public double Sha256dGhs => Sha256Ghs / CompressionsPerSha256d * PlainKernelEfficiency;

    /// <summary>Modelled bf16 GEMM rate on the power cap.</summary>
    public double GemmTflops => Bf16DenseTflops * GemmFractionOfPeak;
}
