using System.Runtime.InteropServices;

namespace Energy.Gpu.Interop;

/// <summary>
/// cuBLAS entry points (cublas_api.h, cuBLAS 13), names verbatim with the <c>_v2</c> symbols that
/// cublas_v2.h's macros select. <c>cublasHandle_t</c> and <c>cudaStream_t</c> are opaque pointers;
/// a device matrix is a <c>CUdeviceptr</c> passed as <c>void*</c>. Resolved through
/// <see cref="NativeLibraries"/> (<c>libcublas.so.13</c>, then <c>.12</c>; both need <c>libcublasLt</c>).
/// </summary>
internal static unsafe partial class Cublas
{
    private const string Lib = NativeLibraries.Cublas;

    [LibraryImport(Lib, EntryPoint = "cublasCreate_v2")]
    internal static partial CublasStatus cublasCreate_v2(nint* handle);

    [LibraryImport(Lib, EntryPoint = "cublasDestroy_v2")]
    internal static partial CublasStatus cublasDestroy_v2(nint handle);

    [LibraryImport(Lib, EntryPoint = "cublasSetStream_v2")]
    internal static partial CublasStatus cublasSetStream_v2(nint handle, nint streamId);

    [LibraryImport(Lib, EntryPoint = "cublasGetVersion_v2")]
    internal static partial CublasStatus cublasGetVersion_v2(nint handle, int* version);

    [LibraryImport(Lib, EntryPoint = "cublasSetMathMode")]
    internal static partial CublasStatus cublasSetMathMode(nint handle, CublasMath mode);

    [LibraryImport(Lib, EntryPoint = "cublasSetWorkspace_v2")]
    internal static partial CublasStatus cublasSetWorkspace_v2(nint handle, ulong workspace, nuint workspaceSizeInBytes);

    /// <summary>C = α·op(A)·op(B) + β·C, column-major; α and β are host pointers in the default pointer mode.</summary>
    [LibraryImport(Lib, EntryPoint = "cublasGemmEx")]
    internal static partial CublasStatus cublasGemmEx(
        nint handle,
        CublasOperation transa, CublasOperation transb,
        int m, int n, int k,
        void* alpha,
        ulong a, CudaDataType aType, int lda,
        ulong b, CudaDataType bType, int ldb,
        void* beta,
        ulong c, CudaDataType cType, int ldc,
        CublasComputeType computeType, CublasGemmAlgo algo);
}
