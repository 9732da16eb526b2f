using Energy.Gpu.Pouw;
using Energy.Gpu.Workloads;

namespace Energy.Gpu.Devices;

/// <summary>What each kind of workload runs on a CUDA GPU.</summary>
public sealed record CudaLoadOptions
{
    public CudaMiningLoadOptions Mining { get; init; } = new();

    public CudaGemmLoadOptions Gemm { get; init; } = new();

    /// <summary>The heater's GEMMs: 8192³, which sits on the power cap.</summary>
    public GemmWorkload Heater { get; init; } = GemmWorkload.Heater();

    /// <summary>Inference's GEMMs: a 7B-class model's prefill of 2048 tokens (see <see cref="GemmWorkload"/>).</summary>
    public GemmWorkload Inference { get; init; } = GemmWorkload.Prefill(TransformerShape.SevenB);

    /// <summary>When set, <c>mining</c> runs PoUW on these batches (<see cref="CudaPouwLoad"/>) instead of SHA-256d. Off by default.</summary>
    public CudaPouwMiningOptions? Pouw { get; init; }
}
