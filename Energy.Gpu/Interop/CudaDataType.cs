namespace Energy.Gpu.Interop;

/// <summary><c>cudaDataType_t</c> (library_types.h): an operand's element type, values as NVIDIA numbers them.</summary>
public enum CudaDataType
{
    /// <summary><c>CUDA_R_32F</c>: float.</summary>
    R32F = 0,

    /// <summary><c>CUDA_R_64F</c>: double.</summary>
    R64F = 1,

    /// <summary><c>CUDA_R_16F</c>: IEEE half.</summary>
    R16F = 2,

    /// <summary><c>CUDA_R_8I</c>: signed byte.</summary>
    R8I = 3,

    /// <summary><c>CUDA_C_32F</c>: complex float.</summary>
    C32F = 4,

    /// <summary><c>CUDA_R_8U</c>: unsigned byte.</summary>
    R8U = 8,

    /// <summary><c>CUDA_R_32I</c>: int.</summary>
    R32I = 10,

    /// <summary><c>CUDA_R_16BF</c>: bfloat16 (8-bit exponent, 7-bit mantissa).</summary>
    R16BF = 14,

    /// <summary><c>CUDA_R_8F_E4M3</c>: FP8.</summary>
    R8FE4M3 = 28,

    /// <summary><c>CUDA_R_8F_E5M2</c>: FP8.</summary>
    R8FE5M2 = 29,
}
