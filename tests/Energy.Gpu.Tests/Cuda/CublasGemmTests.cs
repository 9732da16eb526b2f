using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Tests.Interop;

namespace Energy.Gpu.Tests.Cuda;

public class CublasGemmTests
{
    private readonly FakeCublasApi _cublas = new();
    private readonly CudaContext _context;
    private readonly CudaStream _stream;

    public CublasGemmTests()
    {
        var runtime = CudaRuntime.Open(new FakeCudaDriverApi());
        _context = runtime.RetainPrimaryContext(runtime.Devices[0]);
        _stream = _context.CreateStream();
    }

    [Fact]
    public void Create_BindsTheStreamAndDefaultMath()
    {
        using var gemm = CublasGemm.Create(_cublas, _stream);

        Assert.Equal(_stream.Handle, _cublas.BoundStream);
        Assert.Equal(CublasMath.Default, _cublas.MathMode);
        Assert.Equal(130_100, gemm.Version);
    }

    [Fact]
    public void GemmBf16_PassesColumnMajorBf16OperandsWithFp32Accumulation()
    {
        using var gemm = CublasGemm.Create(_cublas, _stream);
        using var a = _context.Allocate<BFloat16>(64 * 32);
        using var b = _context.Allocate<BFloat16>(32 * 48);
        using var c = _context.Allocate<BFloat16>(64 * 48);

        gemm.GemmBf16(64, 48, 32, a, b, c);

        var call = Assert.Single(_cublas.Gemms);
        Assert.Equal(
            new FakeCublasApi.GemmCall(_cublas.HandleValue, CublasOperation.None, CublasOperation.None, 64, 48, 32,
                1f, a.DevicePointer, CudaDataType.R16BF, 64,
                b.DevicePointer, CudaDataType.R16BF, 32,
                0f, c.DevicePointer, CudaDataType.R16BF, 64,
                CublasComputeType.Compute32F, CublasGemmAlgo.Default),
            call);
        Assert.Equal([0, 0, 14, 14, 14, 68, -1], new[] { (int)call.TransA, (int)call.TransB, (int)call.AType, (int)call.BType, (int)call.CType,
            (int)call.ComputeType, (int)call.Algo });
    }

    [Fact]
    public void GemmBf16_BufferTooSmall_ThrowsBeforeCallingCublas()
    {
        using var gemm = CublasGemm.Create(_cublas, _stream);
        using var a = _context.Allocate<BFloat16>(16);
        using var b = _context.Allocate<BFloat16>(16);
        using var c = _context.Allocate<BFloat16>(15);

        var ex = Assert.Throws<ArgumentException>(() => gemm.GemmBf16(4, 4, 4, a, b, c));

        Assert.Equal("c", ex.ParamName);
        Assert.Empty(_cublas.Gemms);
    }

    [Fact]
    public void GemmBf16_CublasRefuses_ThrowsCublasException()
    {
        using var gemm = CublasGemm.Create(_cublas, _stream);
        using var m = _context.Allocate<BFloat16>(4);
        _cublas.Codes["cublasGemmEx"] = CublasStatus.NotSupported;

        var ex = Assert.Throws<CublasException>(() => gemm.GemmBf16(2, 2, 2, m, m, m));

        Assert.Equal("cublasGemmEx failed: CUBLAS_STATUS_NOT_SUPPORTED (15)", ex.Message);
    }

    [Fact]
    public void Create_SetStreamFails_DestroysTheHandle()
    {
        _cublas.Codes["cublasSetStream_v2"] = CublasStatus.NotInitialized;

        Assert.Throws<CublasException>(() => CublasGemm.Create(_cublas, _stream));

        Assert.Equal(["cublasCreate_v2", "cublasSetStream_v2", "cublasDestroy_v2"], _cublas.Calls);
    }

    [Fact]
    public void Dispose_DestroysOnce()
    {
        var gemm = CublasGemm.Create(_cublas, _stream);

        gemm.Dispose();
        gemm.Dispose();

        Assert.Single(_cublas.Calls, c => c == "cublasDestroy_v2");
        Assert.Throws<ObjectDisposedException>(() => gemm.Version);
    }

    [Fact]
    public void SetWorkspace_PassesPointerAndBytes()
    {
        using var gemm = CublasGemm.Create(_cublas, _stream);
        using var workspace = _context.Allocate<byte>(32 << 20);

        gemm.SetWorkspace(workspace);

        Assert.Equal((workspace.DevicePointer, 32ul << 20), _cublas.Workspace);
    }

    [Theory]
    [InlineData(8192, 8192, 8192, 1_099_511_627_776L)]
    [InlineData(64, 48, 32, 196_608L)]
    public void GemmFlops_IsTwoMnk(int m, int n, int k, long expected)
    {
        Assert.Equal(expected, CublasGemm.GemmFlops(m, n, k));
    }
}
