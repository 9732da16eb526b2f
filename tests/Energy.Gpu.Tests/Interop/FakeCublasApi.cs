using System.Runtime.InteropServices;
using Energy.Gpu.Interop;

namespace Energy.Gpu.Tests.Interop;

/// <summary>Scripted cuBLAS: a status per C function name and a record of every call's arguments.</summary>
internal sealed class FakeCublasApi : ICublasApi
{
    public Dictionary<string, CublasStatus> Codes { get; } = [];
    public List<string> Calls { get; } = [];
    public nint HandleValue { get; } = 0xB1A5;
    public nint BoundStream { get; private set; }
    public CublasMath? MathMode { get; private set; }
    public (ulong Pointer, ulong Bytes)? Workspace { get; private set; }
    public List<GemmCall> Gemms { get; } = [];

    /// <summary>Runs after each recorded GEMM: a test moves a clock as if the GPU had worked.</summary>
    public Action<GemmCall>? OnGemm { get; set; }

    private CublasStatus Code(string function)
    {
        Calls.Add(function);
        return Codes.GetValueOrDefault(function, CublasStatus.Success);
    }

    public CublasStatus Create(out nint handle) { handle = HandleValue; return Code("cublasCreate_v2"); }
    public CublasStatus Destroy(nint handle) => Code("cublasDestroy_v2");
    public CublasStatus SetStream(nint handle, nint stream) { BoundStream = stream; return Code("cublasSetStream_v2"); }
    public CublasStatus GetVersion(nint handle, out int version) { version = 130_100; return Code("cublasGetVersion_v2"); }
    public CublasStatus SetMathMode(nint handle, CublasMath mode) { MathMode = mode; return Code("cublasSetMathMode"); }
    public CublasStatus SetWorkspace(nint handle, ulong workspace, ulong bytes) { Workspace = (workspace, bytes); return Code("cublasSetWorkspace_v2"); }

    public CublasStatus GemmEx(
        nint handle,
        CublasOperation transa, CublasOperation transb,
        int m, int n, int k,
        nint alpha,
        ulong a, CudaDataType aDataType, int lda,
        ulong b, CudaDataType bDataType, int ldb,
        nint beta,
        ulong c, CudaDataType cDataType, int ldc,
        CublasComputeType computeType, CublasGemmAlgo algo)
    {
        // α and β are host pointers valid only during the call: read the floats now.
        var call = new GemmCall(handle, transa, transb, m, n, k,
            BitConverter.Int32BitsToSingle(Marshal.ReadInt32(alpha)), a, aDataType, lda, b, bDataType, ldb,
            BitConverter.Int32BitsToSingle(Marshal.ReadInt32(beta)), c, cDataType, ldc, computeType, algo);
        Gemms.Add(call);
        var code = Code("cublasGemmEx");
        if (code == CublasStatus.Success)
        {
            OnGemm?.Invoke(call);
        }

        return code;
    }

    public sealed record GemmCall(
        nint Handle,
        CublasOperation TransA, CublasOperation TransB,
        int M, int N, int K,
        float Alpha,
        ulong A, CudaDataType AType, int Lda,
        ulong B, CudaDataType BType, int Ldb,
        float Beta,
        ulong C, CudaDataType CType, int Ldc,
        CublasComputeType ComputeType, CublasGemmAlgo Algo);
}
