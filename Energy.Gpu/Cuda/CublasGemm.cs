using Energy.Gpu.Interop;

namespace Energy.Gpu.Cuda;

/// <summary>
/// A cuBLAS handle bound to one <see cref="CudaStream"/>, for the bf16 GEMMs that turn a GPU's whole
/// power budget into useful heat (GPU.md: an 8192³ bf16 GEMM sits on the 700 W cap at ≈ 1 TFLOP/J).
/// Create and use it on a thread where the stream's <see cref="CudaContext"/> is current.
/// </summary>
public sealed unsafe class CublasGemm : IDisposable
{
    private readonly ICublasApi _api;
    private nint _handle;

    private CublasGemm(ICublasApi api, nint handle, CudaStream stream)
    {
        _api = api;
        _handle = handle;
        Stream = stream;
    }

    public CudaStream Stream { get; }

    /// <summary><c>cublasGetVersion_v2</c>: 10000 × major + 100 × minor + patch.</summary>
    public int Version
    {
        get
        {
            CublasException.ThrowIfFailed(_api.GetVersion(Handle, out var version), "cublasGetVersion_v2");
            return version;
        }
    }

    private nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle == 0, this);
            return _handle;
        }
    }

    /// <summary><c>cublasCreate_v2</c>, then <c>cublasSetStream_v2</c> and the default (tensor-core) math mode.</summary>
    public static CublasGemm Create(ICublasApi api, CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(stream);
        CublasException.ThrowIfFailed(api.Create(out var handle), "cublasCreate_v2");
        var gemm = new CublasGemm(api, handle, stream);
        try
        {
            CublasException.ThrowIfFailed(api.SetStream(handle, stream.Handle), "cublasSetStream_v2");
            CublasException.ThrowIfFailed(api.SetMathMode(handle, CublasMath.Default), "cublasSetMathMode");
            return gemm;
        }
        catch
        {
            gemm.Dispose();
            throw;
        }
    }

    /// <summary>Floating-point operations of an m×k by k×n product: 2·m·n·k (one multiply and one add each).</summary>
    public static long GemmFlops(int m, int n, int k) => checked(2L * m * n * k);

    /// <summary>
    /// Queues C = A·B on <see cref="Stream"/> (<c>cublasGemmEx</c>), all column-major and untransposed:
    /// A is m×k (lda = m), B is k×n (ldb = k), C is m×n (ldc = m). Inputs and output are bf16
    /// (<c>CUDA_R_16BF</c>) with fp32 accumulation (<c>CUBLAS_COMPUTE_32F</c>): the type pair PyTorch's bf16
    /// matmul uses, which is what GPU.md's 667 TFLOP/s and 700 W were measured with, and half the output
    /// traffic of an fp32 C. α = 1 and β = 0 are passed as host floats (the default pointer mode).
    /// </summary>
    public void GemmBf16(int m, int n, int k, DeviceBuffer<BFloat16> a, DeviceBuffer<BFloat16> b, DeviceBuffer<BFloat16> c)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        RequireElements(a, (long)m * k, nameof(a));
        RequireElements(b, (long)k * n, nameof(b));
        RequireElements(c, (long)m * n, nameof(c));

        var alpha = 1f;
        var beta = 0f;
        var status = _api.GemmEx(
            Handle,
            CublasOperation.None, CublasOperation.None,
            m, n, k,
            (nint)(&alpha),
            a.DevicePointer, CudaDataType.R16BF, m,
            b.DevicePointer, CudaDataType.R16BF, k,
            (nint)(&beta),
            c.DevicePointer, CudaDataType.R16BF, m,
            CublasComputeType.Compute32F, CublasGemmAlgo.Default);
        CublasException.ThrowIfFailed(status, "cublasGemmEx");
    }

    /// <summary>
    /// Queues the int8 product C = A·Wᵀ of row-major operands (<c>cublasGemmEx</c>): A is m×k, W is n×k
    /// (a linear layer's out × in), C is m×n int32, all row-major, the layout of docs/pouw.md. In cuBLAS's
    /// column-major terms that is Cᵀ (n×m, ldc = n) = op(W) · A with op(W) transposed (lda = ldb = k): the
    /// "TN" form the int8 tensor-core kernels want. Operands <c>CUDA_R_8I</c>, output <c>CUDA_R_32I</c>,
    /// <c>CUBLAS_COMPUTE_32I</c>, whose α = 1 and β = 0 are host ints.
    /// </summary>
    public void GemmInt8RowMajor(int m, int n, int k, DeviceBuffer<sbyte> a, DeviceBuffer<sbyte> w, DeviceBuffer<int> c)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        RequireLength(a?.Length, (long)m * k, nameof(a));
        RequireLength(w?.Length, (long)n * k, nameof(w));
        RequireLength(c?.Length, (long)m * n, nameof(c));

        var alpha = 1;
        var beta = 0;
        var status = _api.GemmEx(
            Handle,
            CublasOperation.Transpose, CublasOperation.None,
            n, m, k,
            (nint)(&alpha),
            w!.DevicePointer, CudaDataType.R8I, k,
            a!.DevicePointer, CudaDataType.R8I, k,
            (nint)(&beta),
            c!.DevicePointer, CudaDataType.R32I, n,
            CublasComputeType.Compute32I, CublasGemmAlgo.Default);
        CublasException.ThrowIfFailed(status, "cublasGemmEx");
    }

    /// <summary>Gives cuBLAS its own workspace (<c>cublasSetWorkspace_v2</c>) instead of its internal pool.</summary>
    public void SetWorkspace(DeviceBuffer<byte> workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        CublasException.ThrowIfFailed(_api.SetWorkspace(Handle, workspace.DevicePointer, (ulong)workspace.SizeInBytes), "cublasSetWorkspace_v2");
    }

    /// <summary><c>cublasDestroy_v2</c>; waits for the handle's queued work.</summary>
    public void Dispose()
    {
        if (_handle != 0)
        {
            _ = _api.Destroy(_handle);
            _handle = 0;
        }
    }

    private static void RequireLength(int? length, long needed, string name)
    {
        if (length is null)
        {
            throw new ArgumentNullException(name);
        }

        if (length < needed)
        {
            throw new ArgumentException($"Holds {length} elements; the product needs {needed}.", name);
        }
    }

    private static void RequireElements(DeviceBuffer<BFloat16> buffer, long needed, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer.Length < needed)
        {
            throw new ArgumentException($"Holds {buffer.Length} elements; the product needs {needed}.", name);
        }
    }
}
