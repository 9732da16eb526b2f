namespace Energy.Gpu.Interop;

/// <summary><c>cublasGemmAlgo_t</c>: since CUDA 11 the heuristics choose; only the defaults matter.</summary>
public enum CublasGemmAlgo
{
    /// <summary><c>CUBLAS_GEMM_DEFAULT</c>.</summary>
    Default = -1,

    /// <summary><c>CUBLAS_GEMM_DEFAULT_TENSOR_OP</c> (deprecated; same as <see cref="Default"/>).</summary>
    DefaultTensorOp = 99,
}
