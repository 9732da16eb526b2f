namespace Energy.Gpu.Interop;

/// <summary>
/// The raw cuBLAS calls as a seam, return codes untouched: handles and streams are <see cref="nint"/>,
/// device matrices <c>CUdeviceptr</c> values (<see cref="ulong"/>), α and β host pointers to scalars of
/// the compute type's scale type. <see cref="CublasApi"/> calls the library; tests script a fake.
/// </summary>
public interface ICublasApi
{
    /// <summary><c>cublasCreate_v2</c>; needs a current CUDA context on the calling thread.</summary>
    CublasStatus Create(out nint handle);

    CublasStatus Destroy(nint handle);

    CublasStatus SetStream(nint handle, nint stream);

    /// <summary><c>cublasGetVersion_v2</c>: 10000 × major + 100 × minor + patch.</summary>
    CublasStatus GetVersion(nint handle, out int version);

    CublasStatus SetMathMode(nint handle, CublasMath mode);

    /// <summary><c>cublasSetWorkspace_v2</c> with a device buffer of <paramref name="bytes"/> bytes.</summary>
    CublasStatus SetWorkspace(nint handle, ulong workspace, ulong bytes);

    /// <summary><c>cublasGemmEx</c>, arguments in the C order.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "NVIDIA's name, cublasGemmEx")]
    CublasStatus GemmEx(
        nint handle,
        CublasOperation transa, CublasOperation transb,
        int m, int n, int k,
        nint alpha,
        ulong a, CudaDataType aDataType, int lda,
        ulong b, CudaDataType bDataType, int ldb,
        nint beta,
        ulong c, CudaDataType cDataType, int ldc,
        CublasComputeType computeType, CublasGemmAlgo algo);
}
