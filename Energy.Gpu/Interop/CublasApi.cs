namespace Energy.Gpu.Interop;

/// <summary><see cref="ICublasApi"/> over <c>libcublas.so.13</c> (or <c>.12</c>).</summary>
public sealed unsafe class CublasApi : ICublasApi
{
    private CublasApi()
    {
    }

    /// <summary>Loads cuBLAS, or says what to install.</summary>
    public static bool TryCreate(out CublasApi? api, out string reason)
    {
        NativeLibraries.Register();
        if (!NativeLibraries.TryLoad(NativeLibraries.Cublas, out _, out reason))
        {
            api = null;
            return false;
        }

        api = new CublasApi();
        return true;
    }

    public CublasStatus Create(out nint handle)
    {
        nint value;
        var status = Cublas.cublasCreate_v2(&value);
        handle = value;
        return status;
    }

    public CublasStatus Destroy(nint handle) => Cublas.cublasDestroy_v2(handle);

    public CublasStatus SetStream(nint handle, nint stream) => Cublas.cublasSetStream_v2(handle, stream);

    public CublasStatus GetVersion(nint handle, out int version)
    {
        int value;
        var status = Cublas.cublasGetVersion_v2(handle, &value);
        version = value;
        return status;
    }

    public CublasStatus SetMathMode(nint handle, CublasMath mode) => Cublas.cublasSetMathMode(handle, mode);

    public CublasStatus SetWorkspace(nint handle, ulong workspace, ulong bytes) =>
        Cublas.cublasSetWorkspace_v2(handle, workspace, (nuint)bytes);

    public CublasStatus GemmEx(
        nint handle,
        CublasOperation transa, CublasOperation transb,
        int m, int n, int k,
        nint alpha,
        ulong a, CudaDataType aDataType, int lda,
        ulong b, CudaDataType bDataType, int ldb,
        nint beta,
        ulong c, CudaDataType cDataType, int ldc,
        CublasComputeType computeType, CublasGemmAlgo algo) =>
        Cublas.cublasGemmEx(handle, transa, transb, m, n, k, (void*)alpha, a, aDataType, lda, b, bDataType, ldb,
            (void*)beta, c, cDataType, ldc, computeType, algo);
}
