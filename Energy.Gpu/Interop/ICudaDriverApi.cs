namespace Energy.Gpu.Interop;

/// <summary>
/// The raw CUDA driver API calls as a seam: cuda.h arguments and units (bytes, milliseconds), return
/// codes untouched. Handles (<c>CUcontext</c>, <c>CUmodule</c>, <c>CUfunction</c>, <c>CUstream</c>,
/// <c>CUevent</c>) are <see cref="nint"/>, <c>CUdevice</c> is an ordinal-like <see cref="int"/> and a
/// <c>CUdeviceptr</c> is a <see cref="ulong"/>. <see cref="CudaDriverApi"/> calls <c>libcuda.so.1</c>;
/// tests script a fake.
/// </summary>
public interface ICudaDriverApi
{
    CuResult Init(uint flags);

    /// <summary>The newest CUDA version the driver supports, 1000 × major + 10 × minor (13000 = 13.0).</summary>
    CuResult DriverGetVersion(out int version);

    CuResult DeviceGetCount(out int count);

    CuResult DeviceGet(int ordinal, out int device);

    CuResult DeviceGetName(int device, out string name);

    CuResult DeviceGetAttribute(CuDeviceAttribute attribute, int device, out int value);

    /// <summary><c>cuDeviceTotalMem_v2</c>, in bytes.</summary>
    CuResult DeviceTotalMem(int device, out ulong bytes);

    CuResult DevicePrimaryCtxRetain(int device, out nint context);

    /// <summary><c>cuDevicePrimaryCtxRelease_v2</c>.</summary>
    CuResult DevicePrimaryCtxRelease(int device);

    /// <summary>
    /// <c>cuDeviceGetUuid_v2</c>: the device's 16-byte UUID, the same bytes NVML prints as
    /// <c>GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c>; it pairs CUDA ordinals with NVML indices.
    /// </summary>
    CuResult DeviceGetUuid(int device, Span<byte> uuid);

    CuResult CtxSetCurrent(nint context);

    CuResult CtxSynchronize();

    /// <summary>Loads a CUBIN (or PTX, or fatbin) image; the driver copies it, so the span may go afterwards.</summary>
    CuResult ModuleLoadData(ReadOnlySpan<byte> image, out nint moduleHandle);

    CuResult ModuleUnload(nint moduleHandle);

    CuResult ModuleGetFunction(nint moduleHandle, string name, out nint functionHandle);

    /// <summary><c>cuFuncGetAttribute</c>: registers per thread, local memory bytes and the like of a loaded kernel.</summary>
    CuResult FuncGetAttribute(CuFunctionAttribute attribute, nint functionHandle, out int value);

    /// <summary>
    /// <c>cuOccupancyMaxActiveBlocksPerMultiprocessor</c>: how many blocks of <paramref name="blockSize"/>
    /// threads fit on one SM at once, given the kernel's registers and shared memory.
    /// </summary>
    CuResult OccupancyMaxActiveBlocksPerMultiprocessor(nint functionHandle, int blockSize, ulong dynamicSharedMemoryBytes, out int blocks);

    /// <summary>
    /// <c>cuLaunchKernel</c> with <c>kernelParams</c> = <paramref name="kernelParams"/> (one pointer per
    /// kernel parameter, each to that parameter's value) and <c>extra</c> = NULL. The driver copies the
    /// values during the call.
    /// </summary>
    CuResult LaunchKernel(
        nint functionHandle,
        uint gridDimX, uint gridDimY, uint gridDimZ,
        uint blockDimX, uint blockDimY, uint blockDimZ,
        uint sharedMemBytes, nint stream, ReadOnlySpan<nint> kernelParams);

    /// <summary><c>cuMemAlloc_v2</c>, in bytes.</summary>
    CuResult MemAlloc(ulong bytes, out ulong devicePointer);

    /// <summary><c>cuMemFree_v2</c>.</summary>
    CuResult MemFree(ulong devicePointer);

    /// <summary><c>cuMemcpyHtoD_v2</c> of <c>source.Length</c> bytes.</summary>
    CuResult MemcpyHtoD(ulong destination, ReadOnlySpan<byte> source);

    /// <summary><c>cuMemcpyDtoH_v2</c> of <c>destination.Length</c> bytes.</summary>
    CuResult MemcpyDtoH(Span<byte> destination, ulong source);

    /// <summary><c>cuMemsetD8_v2</c>: <paramref name="count"/> bytes set to <paramref name="value"/>.</summary>
    CuResult MemsetD8(ulong destination, byte value, ulong count);

    /// <summary>
    /// <c>cuMemcpyHtoDAsync_v2</c>. From pageable host memory the driver stages the bytes before it
    /// returns, so the span need not outlive the call (cuda driver API, "API synchronization behavior").
    /// </summary>
    CuResult MemcpyHtoDAsync(ulong destination, ReadOnlySpan<byte> source, nint stream);

    /// <summary>
    /// <c>cuMemcpyDtoHAsync_v2</c>. To pageable host memory the call returns only once the copy is done,
    /// so the span need not outlive the call; it is ordered after earlier work on <paramref name="stream"/>.
    /// </summary>
    CuResult MemcpyDtoHAsync(Span<byte> destination, ulong source, nint stream);

    CuResult StreamCreate(uint flags, out nint stream);

    /// <summary><c>cuStreamDestroy_v2</c>.</summary>
    CuResult StreamDestroy(nint stream);

    CuResult StreamSynchronize(nint stream);

    /// <summary><see cref="CuResult.Success"/> when all work is done, <see cref="CuResult.NotReady"/> while some runs.</summary>
    CuResult StreamQuery(nint stream);

    CuResult EventCreate(uint flags, out nint cuEvent);

    /// <summary><c>cuEventDestroy_v2</c>.</summary>
    CuResult EventDestroy(nint cuEvent);

    CuResult EventRecord(nint cuEvent, nint stream);

    CuResult EventSynchronize(nint cuEvent);

    /// <summary>
    /// <c>cuEventElapsedTime_v2</c> (CUDA 12.8+; CUDA 13's cuda.h no longer declares the unversioned
    /// name), in milliseconds with about 0.5 µs resolution.
    /// </summary>
    CuResult EventElapsedTime(nint startEvent, nint endEvent, out float milliseconds);

    /// <summary><c>cuGetErrorName</c>: <c>CUDA_ERROR_INVALID_PTX</c>.</summary>
    CuResult GetErrorName(CuResult code, out string name);

    /// <summary><c>cuGetErrorString</c>: the driver's one-line description.</summary>
    CuResult GetErrorString(CuResult code, out string description);
}
