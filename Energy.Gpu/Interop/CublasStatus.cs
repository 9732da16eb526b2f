namespace Energy.Gpu.Interop;

/// <summary><c>cublasStatus_t</c> (cublas_api.h): the code every cuBLAS call returns.</summary>
public enum CublasStatus
{
    Success = 0,

    /// <summary>No handle, or the CUDA runtime under cuBLAS could not start (no current context/device).</summary>
    NotInitialized = 1,
    AllocFailed = 3,
    InvalidValue = 7,
    ArchMismatch = 8,
    MappingError = 11,
    ExecutionFailed = 13,
    InternalError = 14,

    /// <summary>The combination of types, compute type and algorithm is not offered.</summary>
    NotSupported = 15,
    LicenseError = 16,
}
