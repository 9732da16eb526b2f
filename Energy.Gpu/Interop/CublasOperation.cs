namespace Energy.Gpu.Interop;

/// <summary><c>cublasOperation_t</c>: what cuBLAS applies to an operand before multiplying.</summary>
public enum CublasOperation
{
    /// <summary><c>CUBLAS_OP_N</c>: the matrix as stored (column-major).</summary>
    None = 0,

    /// <summary><c>CUBLAS_OP_T</c>.</summary>
    Transpose = 1,

    /// <summary><c>CUBLAS_OP_C</c>: conjugate transpose.</summary>
    ConjugateTranspose = 2,
}
