namespace Energy.Gpu.Interop;

/// <summary><c>cublasMath_t</c>: the handle's math mode for <c>cublasSetMathMode</c>.</summary>
public enum CublasMath
{
    /// <summary><c>CUBLAS_DEFAULT_MATH</c>: tensor cores where the types allow.</summary>
    Default = 0,

    /// <summary><c>CUBLAS_PEDANTIC_MATH</c>: the prescribed precision throughout, for testing.</summary>
    Pedantic = 2,

    /// <summary><c>CUBLAS_TF32_TENSOR_OP_MATH</c>.</summary>
    Tf32TensorOp = 3,

    /// <summary><c>CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION</c> (a flag OR-ed onto a mode).</summary>
    DisallowReducedPrecisionReduction = 16,
}
