namespace Energy.Gpu.Interop;

/// <summary><c>cublasComputeType_t</c>: the precision cuBLAS accumulates in.</summary>
public enum CublasComputeType
{
    /// <summary><c>CUBLAS_COMPUTE_16F</c>.</summary>
    Compute16F = 64,

    /// <summary><c>CUBLAS_COMPUTE_16F_PEDANTIC</c>.</summary>
    Compute16FPedantic = 65,

    /// <summary><c>CUBLAS_COMPUTE_32F</c>: fp32 accumulation; with bf16 operands it runs on tensor cores.</summary>
    Compute32F = 68,

    /// <summary><c>CUBLAS_COMPUTE_32F_PEDANTIC</c>.</summary>
    Compute32FPedantic = 69,

    /// <summary><c>CUBLAS_COMPUTE_64F</c>.</summary>
    Compute64F = 70,

    /// <summary><c>CUBLAS_COMPUTE_64F_PEDANTIC</c>.</summary>
    Compute64FPedantic = 71,

    /// <summary><c>CUBLAS_COMPUTE_32I</c>.</summary>
    Compute32I = 72,

    /// <summary><c>CUBLAS_COMPUTE_32I_PEDANTIC</c>.</summary>
    Compute32IPedantic = 73,

    /// <summary><c>CUBLAS_COMPUTE_32F_FAST_16F</c>.</summary>
    Compute32FFast16F = 74,

    /// <summary><c>CUBLAS_COMPUTE_32F_FAST_16BF</c>.</summary>
    Compute32FFast16BF = 75,

    /// <summary><c>CUBLAS_COMPUTE_32F_FAST_TF32</c>.</summary>
    Compute32FFastTf32 = 77,
}
