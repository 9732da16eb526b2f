using System.Runtime.InteropServices;

namespace Energy.Gpu.Interop;

/// <summary>
/// CUDA driver API entry points (cuda.h, CUDA 13 / driver 580), names verbatim with the versioned
/// symbols the header's macros select (<c>cuMemAlloc</c> is <c>cuMemAlloc_v2</c> in the library).
/// <c>CUdevice</c> is an int, <c>CUdeviceptr</c> a 64-bit unsigned, every other handle an opaque
/// pointer. Resolved through <see cref="NativeLibraries"/>; call <see cref="NativeLibraries.Register"/> first.
/// </summary>
internal static unsafe partial class Cuda
{
    private const string Lib = NativeLibraries.Cuda;

    [LibraryImport(Lib, EntryPoint = "cuInit")]
    internal static partial CuResult cuInit(uint flags);

    [LibraryImport(Lib, EntryPoint = "cuDriverGetVersion")]
    internal static partial CuResult cuDriverGetVersion(int* driverVersion);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGetCount")]
    internal static partial CuResult cuDeviceGetCount(int* count);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGet")]
    internal static partial CuResult cuDeviceGet(int* device, int ordinal);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGetName")]
    internal static partial CuResult cuDeviceGetName(byte* name, int len, int dev);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGetAttribute")]
    internal static partial CuResult cuDeviceGetAttribute(int* pi, CuDeviceAttribute attrib, int dev);

    [LibraryImport(Lib, EntryPoint = "cuDeviceTotalMem_v2")]
    internal static partial CuResult cuDeviceTotalMem_v2(nuint* bytes, int dev);

    /// <summary>CUDA 11.4+; <c>CUuuid</c> is 16 bytes.</summary>
    [LibraryImport(Lib, EntryPoint = "cuDeviceGetUuid_v2")]
    internal static partial CuResult cuDeviceGetUuid_v2(byte* uuid, int dev);

    [LibraryImport(Lib, EntryPoint = "cuDevicePrimaryCtxRetain")]
    internal static partial CuResult cuDevicePrimaryCtxRetain(nint* pctx, int dev);

    [LibraryImport(Lib, EntryPoint = "cuDevicePrimaryCtxRelease_v2")]
    internal static partial CuResult cuDevicePrimaryCtxRelease_v2(int dev);

    [LibraryImport(Lib, EntryPoint = "cuCtxSetCurrent")]
    internal static partial CuResult cuCtxSetCurrent(nint ctx);

    [LibraryImport(Lib, EntryPoint = "cuCtxSynchronize")]
    internal static partial CuResult cuCtxSynchronize();

    [LibraryImport(Lib, EntryPoint = "cuModuleLoadData")]
    internal static partial CuResult cuModuleLoadData(nint* module, void* image);

    [LibraryImport(Lib, EntryPoint = "cuModuleUnload")]
    internal static partial CuResult cuModuleUnload(nint hmod);

    [LibraryImport(Lib, EntryPoint = "cuModuleGetFunction")]
    internal static partial CuResult cuModuleGetFunction(nint* hfunc, nint hmod, byte* name);

    [LibraryImport(Lib, EntryPoint = "cuFuncGetAttribute")]
    internal static partial CuResult cuFuncGetAttribute(int* pi, CuFunctionAttribute attrib, nint hfunc);

    [LibraryImport(Lib, EntryPoint = "cuOccupancyMaxActiveBlocksPerMultiprocessor")]
    internal static partial CuResult cuOccupancyMaxActiveBlocksPerMultiprocessor(int* numBlocks, nint func, int blockSize, nuint dynamicSMemSize);

    [LibraryImport(Lib, EntryPoint = "cuLaunchKernel")]
    internal static partial CuResult cuLaunchKernel(
        nint f,
        uint gridDimX, uint gridDimY, uint gridDimZ,
        uint blockDimX, uint blockDimY, uint blockDimZ,
        uint sharedMemBytes, nint hStream, void** kernelParams, void** extra);

    [LibraryImport(Lib, EntryPoint = "cuMemAlloc_v2")]
    internal static partial CuResult cuMemAlloc_v2(ulong* dptr, nuint bytesize);

    [LibraryImport(Lib, EntryPoint = "cuMemFree_v2")]
    internal static partial CuResult cuMemFree_v2(ulong dptr);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyHtoD_v2")]
    internal static partial CuResult cuMemcpyHtoD_v2(ulong dstDevice, void* srcHost, nuint byteCount);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoH_v2")]
    internal static partial CuResult cuMemcpyDtoH_v2(void* dstHost, ulong srcDevice, nuint byteCount);

    [LibraryImport(Lib, EntryPoint = "cuMemsetD8_v2")]
    internal static partial CuResult cuMemsetD8_v2(ulong dstDevice, byte uc, nuint n);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyHtoDAsync_v2")]
    internal static partial CuResult cuMemcpyHtoDAsync_v2(ulong dstDevice, void* srcHost, nuint byteCount, nint hStream);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoHAsync_v2")]
    internal static partial CuResult cuMemcpyDtoHAsync_v2(void* dstHost, ulong srcDevice, nuint byteCount, nint hStream);

    [LibraryImport(Lib, EntryPoint = "cuStreamCreate")]
    internal static partial CuResult cuStreamCreate(nint* phStream, uint flags);

    [LibraryImport(Lib, EntryPoint = "cuStreamDestroy_v2")]
    internal static partial CuResult cuStreamDestroy_v2(nint hStream);

    [LibraryImport(Lib, EntryPoint = "cuStreamSynchronize")]
    internal static partial CuResult cuStreamSynchronize(nint hStream);

    [LibraryImport(Lib, EntryPoint = "cuStreamQuery")]
    internal static partial CuResult cuStreamQuery(nint hStream);

    [LibraryImport(Lib, EntryPoint = "cuEventCreate")]
    internal static partial CuResult cuEventCreate(nint* phEvent, uint flags);

    [LibraryImport(Lib, EntryPoint = "cuEventDestroy_v2")]
    internal static partial CuResult cuEventDestroy_v2(nint hEvent);

    [LibraryImport(Lib, EntryPoint = "cuEventRecord")]
    internal static partial CuResult cuEventRecord(nint hEvent, nint hStream);

    [LibraryImport(Lib, EntryPoint = "cuEventSynchronize")]
    internal static partial CuResult cuEventSynchronize(nint hEvent);

    /// <summary>CUDA 12.8+; cuda.h 13 maps <c>cuEventElapsedTime</c> here.</summary>
    [LibraryImport(Lib, EntryPoint = "cuEventElapsedTime_v2")]
    internal static partial CuResult cuEventElapsedTime_v2(float* pMilliseconds, nint hStart, nint hEnd);

    /// <summary>The pre-12.8 symbol, for older drivers only.</summary>
    [LibraryImport(Lib, EntryPoint = "cuEventElapsedTime")]
    internal static partial CuResult cuEventElapsedTime(float* pMilliseconds, nint hStart, nint hEnd);

    [LibraryImport(Lib, EntryPoint = "cuGetErrorName")]
    internal static partial CuResult cuGetErrorName(CuResult error, byte** pStr);

    [LibraryImport(Lib, EntryPoint = "cuGetErrorString")]
    internal static partial CuResult cuGetErrorString(CuResult error, byte** pStr);
}
