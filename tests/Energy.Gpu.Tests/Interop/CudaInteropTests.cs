using System.Reflection;
using System.Runtime.InteropServices;
using Energy.Gpu.Interop;

namespace Energy.Gpu.Tests.Interop;

public class CudaInteropTests
{
    private static string[] EntryPoints(string typeName) =>
        typeof(CudaDriverApi).Assembly.GetType(typeName, throwOnError: true)!
            .GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Select(m => m.GetCustomAttribute<LibraryImportAttribute>()?.EntryPoint)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public void CudaImports_UseTheVersionedSymbolsLibcudaExports()
    {
        string[] expected =
        [
            "cuCtxSetCurrent", "cuCtxSynchronize", "cuDeviceGet", "cuDeviceGetAttribute", "cuDeviceGetCount", "cuDeviceGetName", "cuDeviceGetUuid_v2",
            "cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRetain", "cuDeviceTotalMem_v2", "cuDriverGetVersion",
            "cuEventCreate", "cuEventDestroy_v2", "cuEventElapsedTime", "cuEventElapsedTime_v2", "cuEventRecord", "cuEventSynchronize",
            "cuFuncGetAttribute", "cuGetErrorName", "cuGetErrorString", "cuInit", "cuLaunchKernel", "cuMemAlloc_v2", "cuMemFree_v2",
            "cuMemcpyDtoHAsync_v2", "cuMemcpyDtoH_v2", "cuMemcpyHtoDAsync_v2", "cuMemcpyHtoD_v2", "cuMemsetD8_v2",
            "cuModuleGetFunction", "cuModuleLoadData", "cuModuleUnload", "cuOccupancyMaxActiveBlocksPerMultiprocessor", "cuStreamCreate", "cuStreamDestroy_v2", "cuStreamQuery",
            "cuStreamSynchronize",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), EntryPoints("Energy.Gpu.Interop.Cuda"));
    }

    [Fact]
    public void NvrtcAndCublasImports_UseNvidiaNames()
    {
        Assert.Equal(
            new[] { "nvrtcCompileProgram", "nvrtcCreateProgram", "nvrtcDestroyProgram", "nvrtcGetCUBIN", "nvrtcGetCUBINSize",
                "nvrtcGetErrorString", "nvrtcGetProgramLog", "nvrtcGetProgramLogSize", "nvrtcVersion" },
            EntryPoints("Energy.Gpu.Interop.Nvrtc"));
        Assert.Equal(
            new[] { "cublasCreate_v2", "cublasDestroy_v2", "cublasGemmEx", "cublasGetVersion_v2", "cublasSetMathMode",
                "cublasSetStream_v2", "cublasSetWorkspace_v2" },
            EntryPoints("Energy.Gpu.Interop.Cublas"));
    }

    [Theory]
    [InlineData(CuResult.Success, "CUDA_SUCCESS")]
    [InlineData(CuResult.InvalidPtx, "CUDA_ERROR_INVALID_PTX")]
    [InlineData(CuResult.NoBinaryForGpu, "CUDA_ERROR_NO_BINARY_FOR_GPU")]
    [InlineData(CuResult.LaunchOutOfResources, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES")]
    [InlineData((CuResult)12345, "CUDA_ERROR(12345)")]
    public void CuResult_ToNvidiaName_MatchesCudaH(CuResult code, string expected)
    {
        Assert.Equal(expected, code.ToNvidiaName());
    }

    [Fact]
    public void CuResult_DocumentedNumbers()
    {
        Assert.Equal([0, 1, 2, 3, 34, 100, 200, 209, 218, 400, 500, 600, 700, 701, 719, 801, 999],
            new[] { CuResult.Success, CuResult.InvalidValue, CuResult.OutOfMemory, CuResult.NotInitialized, CuResult.StubLibrary,
                CuResult.NoDevice, CuResult.InvalidImage, CuResult.NoBinaryForGpu, CuResult.InvalidPtx, CuResult.InvalidHandle,
                CuResult.NotFound, CuResult.NotReady, CuResult.IllegalAddress, CuResult.LaunchOutOfResources, CuResult.LaunchFailed,
                CuResult.NotSupported, CuResult.Unknown }.Select(c => (int)c));
    }

    [Fact]
    public void CuDeviceAttribute_DocumentedNumbers()
    {
        Assert.Equal([1, 8, 10, 13, 16, 75, 76, 97],
            new[] { CuDeviceAttribute.MaxThreadsPerBlock, CuDeviceAttribute.MaxSharedMemoryPerBlock, CuDeviceAttribute.WarpSize,
                CuDeviceAttribute.ClockRate, CuDeviceAttribute.MultiprocessorCount, CuDeviceAttribute.ComputeCapabilityMajor,
                CuDeviceAttribute.ComputeCapabilityMinor, CuDeviceAttribute.MaxSharedMemoryPerBlockOptin }.Select(a => (int)a));
    }

    [Fact]
    public void CudaException_Create_CarriesCallCodeAndDriverDescription()
    {
        var ex = CudaException.Create(new FakeCudaDriverApi(), CuResult.InvalidPtx, "cuModuleLoadData");

        Assert.Equal("cuModuleLoadData failed: CUDA_ERROR_INVALID_PTX (218): a PTX JIT compilation failed", ex.Message);
        Assert.Equal("cuModuleLoadData", ex.Function);
        Assert.Equal(CuResult.InvalidPtx, ex.Code);
    }

    [Fact]
    public void CudaException_NoDriverDescription_OmitsIt()
    {
        var ex = CudaException.Create(new FakeCudaDriverApi(), CuResult.IllegalAddress, "cuCtxSynchronize");

        Assert.Equal("cuCtxSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS (700)", ex.Message);
    }

    [Theory]
    [InlineData(NvrtcResult.Success, "NVRTC_SUCCESS")]
    [InlineData(NvrtcResult.InvalidOption, "NVRTC_ERROR_INVALID_OPTION")]
    [InlineData(NvrtcResult.Compilation, "NVRTC_ERROR_COMPILATION")]
    [InlineData(NvrtcResult.TimeTraceFileWriteFailed, "NVRTC_ERROR_TIME_TRACE_FILE_WRITE_FAILED")]
    public void NvrtcResult_ToNvidiaName_MatchesNvrtcH(NvrtcResult code, string expected)
    {
        Assert.Equal(expected, code.ToNvidiaName());
    }

    [Fact]
    public void NvrtcResult_DocumentedNumbers()
    {
        Assert.Equal([0, 3, 5, 6, 11, 17],
            new[] { NvrtcResult.Success, NvrtcResult.InvalidInput, NvrtcResult.InvalidOption, NvrtcResult.Compilation,
                NvrtcResult.InternalError, NvrtcResult.TimeTraceFileWriteFailed }.Select(c => (int)c));
    }

    [Fact]
    public void NvrtcCompileException_Message_CarriesOptionsAndLog()
    {
        var ex = new NvrtcCompileException("k.cu", NvrtcResult.Compilation, "k.cu(3): error: identifier \"x\" is undefined\n", ["--gpu-architecture=sm_90"]);

        Assert.Equal($"nvrtcCompileProgram failed for k.cu (--gpu-architecture=sm_90): NVRTC_ERROR_COMPILATION (6){Environment.NewLine}k.cu(3): error: identifier \"x\" is undefined", ex.Message);
        Assert.StartsWith("k.cu(3)", ex.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CublasStatus.Success, "CUBLAS_STATUS_SUCCESS")]
    [InlineData(CublasStatus.NotSupported, "CUBLAS_STATUS_NOT_SUPPORTED")]
    [InlineData(CublasStatus.ArchMismatch, "CUBLAS_STATUS_ARCH_MISMATCH")]
    [InlineData((CublasStatus)42, "CUBLAS_STATUS(42)")]
    public void CublasStatus_ToNvidiaName_MatchesCublasApiH(CublasStatus status, string expected)
    {
        Assert.Equal(expected, status.ToNvidiaName());
    }

    [Fact]
    public void CublasEnums_DocumentedNumbers()
    {
        Assert.Equal([0, 1, 3, 7, 8, 11, 13, 14, 15, 16], Enum.GetValues<CublasStatus>().Select(s => (int)s));
        Assert.Equal([0, 1, 2], new[] { CublasOperation.None, CublasOperation.Transpose, CublasOperation.ConjugateTranspose }.Select(o => (int)o));
        Assert.Equal([0, 2, 14, 1], new[] { CudaDataType.R32F, CudaDataType.R16F, CudaDataType.R16BF, CudaDataType.R64F }.Select(t => (int)t));
        Assert.Equal([64, 68, 75, 77], new[] { CublasComputeType.Compute16F, CublasComputeType.Compute32F, CublasComputeType.Compute32FFast16BF,
            CublasComputeType.Compute32FFastTf32 }.Select(t => (int)t));
        Assert.Equal(-1, (int)CublasGemmAlgo.Default);
        Assert.Equal([0, 2, 3, 16], Enum.GetValues<CublasMath>().Select(m => (int)m));
    }

    [Fact]
    public void TryCreate_LibraryMissing_SaysWhatToInstallInsteadOfThrowing()
    {
        // On a host with the libraries the real APIs load; without them each says what to install.
        CheckTryCreate(NativeLibraries.Cuda, CudaDriverApi.TryCreate(out var cuda, out var cudaReason), cuda, cudaReason);
        CheckTryCreate(NativeLibraries.Nvrtc, NvrtcApi.TryCreate(out var nvrtc, out var nvrtcReason), nvrtc, nvrtcReason);
        CheckTryCreate(NativeLibraries.Cublas, CublasApi.TryCreate(out var cublas, out var cublasReason), cublas, cublasReason);
    }

    private static void CheckTryCreate(string library, bool created, object? api, string reason)
    {
        if (NativeLibraries.TryLoad(library, out _, out _))
        {
            Assert.True(created);
            Assert.NotNull(api);
        }
        else
        {
            Assert.False(created);
            Assert.Null(api);
            Assert.Equal(NativeLibraries.MissingLibraryMessage(library), reason);
        }
    }
}
