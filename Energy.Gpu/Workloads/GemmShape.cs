using System.Globalization;

namespace Energy.Gpu.Workloads;

/// <summary>
/// One bf16 GEMM as cuBLAS sees it (column-major, untransposed): C[M×N] = A[M×K] · B[K×N]. A
/// row-major activation X[tokens×in] times weights W[in×out] is the same memory as Wᵀ·Xᵀ, so it runs
/// as M = out, N = tokens, K = in.
/// </summary>
public readonly record struct GemmShape(int M, int N, int K)
{
    /// <summary>2·M·N·K: one multiply and one add per term.</summary>
    public long Flops => checked(2L * M * N * K);

    public long AElements => (long)M * K;

    public long BElements => (long)K * N;

    public long CElements => (long)M * N;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{M}x{N}x{K}");
}
