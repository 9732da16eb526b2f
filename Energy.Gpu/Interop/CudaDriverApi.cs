namespace Energy.Gpu.Interop;

/// <summary>
/// <see cref="ICudaDriverApi"/> over the driver's <c>libcuda.so.1</c>. Spans are pinned for the
/// duration of each call only; see <see cref="ICudaDriverApi"/> for why that is enough.
/// </summary>
public sealed unsafe class CudaDriverApi : ICudaDriverApi
{
    // cuDeviceGetName truncates to the buffer; 256 bytes is what NVIDIA's samples allow.
    private const int NameBufferSize = 256;

    private bool _elapsedTimeV2Missing;

    private CudaDriverApi()
    {
    }

    /// <summary>Loads <c>libcuda.so.1</c>, or says what to install.</summary>
    public static bool TryCreate(out CudaDriverApi? api, out string reason)
    {
        NativeLibraries.Register();
        if (!NativeLibraries.TryLoad(NativeLibraries.Cuda, out _, out reason))
        {
            api = null;
            return false;
        }

        api = new CudaDriverApi();
        return true;
    }

    public CuResult Init(uint flags) => Cuda.cuInit(flags);

    public CuResult DriverGetVersion(out int version)
    {
        int value;
        var code = Cuda.cuDriverGetVersion(&value);
        version = value;
        return code;
    }

    public CuResult DeviceGetCount(out int count)
    {
        int value;
        var code = Cuda.cuDeviceGetCount(&value);
        count = value;
        return code;
    }

    public CuResult DeviceGet(int ordinal, out int device)
    {
        int value;
        var code = Cuda.cuDeviceGet(&value, ordinal);
        device = value;
        return code;
    }

    public CuResult DeviceGetName(int device, out string name)
    {
        var buffer = stackalloc byte[NameBufferSize];
        var code = Cuda.cuDeviceGetName(buffer, NameBufferSize, device);
        name = code == CuResult.Success ? NativeStrings.FromBuffer(new ReadOnlySpan<byte>(buffer, NameBufferSize)) : string.Empty;
        return code;
    }

    public CuResult DeviceGetAttribute(CuDeviceAttribute attribute, int device, out int value)
    {
        int result;
        var code = Cuda.cuDeviceGetAttribute(&result, attribute, device);
        value = result;
        return code;
    }

    public CuResult DeviceTotalMem(int device, out ulong bytes)
    {
        nuint value;
        var code = Cuda.cuDeviceTotalMem_v2(&value, device);
        bytes = value;
        return code;
    }

    public CuResult DeviceGetUuid(int device, Span<byte> uuid)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(uuid.Length, 16, nameof(uuid));
        fixed (byte* p = uuid)
        {
            return Cuda.cuDeviceGetUuid_v2(p, device);
        }
    }

    public CuResult DevicePrimaryCtxRetain(int device, out nint context)
    {
        nint value;
        var code = Cuda.cuDevicePrimaryCtxRetain(&value, device);
        context = value;
        return code;
    }

    public CuResult DevicePrimaryCtxRelease(int device) => Cuda.cuDevicePrimaryCtxRelease_v2(device);

    public CuResult CtxSetCurrent(nint context) => Cuda.cuCtxSetCurrent(context);

    public CuResult CtxSynchronize() => Cuda.cuCtxSynchronize();

    public CuResult ModuleLoadData(ReadOnlySpan<byte> image, out nint moduleHandle)
    {
        nint value;
        CuResult code;
        fixed (byte* p = image)
        {
            code = Cuda.cuModuleLoadData(&value, p);
        }

        moduleHandle = value;
        return code;
    }

    public CuResult ModuleUnload(nint moduleHandle) => Cuda.cuModuleUnload(moduleHandle);

    public CuResult ModuleGetFunction(nint moduleHandle, string name, out nint functionHandle)
    {
        nint value;
        CuResult code;
        fixed (byte* p = NativeStrings.ToUtf8Z(name))
        {
            code = Cuda.cuModuleGetFunction(&value, moduleHandle, p);
        }

        functionHandle = value;
        return code;
    }

    public CuResult FuncGetAttribute(CuFunctionAttribute attribute, nint functionHandle, out int value)
    {
        int result;
        var code = Cuda.cuFuncGetAttribute(&result, attribute, functionHandle);
        value = result;
        return code;
    }

    public CuResult OccupancyMaxActiveBlocksPerMultiprocessor(nint functionHandle, int blockSize, ulong dynamicSharedMemoryBytes, out int blocks)
    {
        int result;
        var code = Cuda.cuOccupancyMaxActiveBlocksPerMultiprocessor(&result, functionHandle, blockSize, (nuint)dynamicSharedMemoryBytes);
        blocks = result;
        return code;
    }

    public CuResult LaunchKernel(
        nint functionHandle,
        uint gridDimX, uint gridDimY, uint gridDimZ,
        uint blockDimX, uint blockDimY, uint blockDimZ,
        uint sharedMemBytes, nint stream, ReadOnlySpan<nint> kernelParams)
    {
        fixed (nint* p = kernelParams)
        {
            // An empty span pins to NULL, which cuLaunchKernel accepts for a kernel without parameters.
            return Cuda.cuLaunchKernel(functionHandle, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ,
                sharedMemBytes, stream, (void**)p, null);
        }
    }

    public CuResult MemAlloc(ulong bytes, out ulong devicePointer)
    {
        ulong value;
        var code = Cuda.cuMemAlloc_v2(&value, (nuint)bytes);
        devicePointer = value;
        return code;
    }

    public CuResult MemFree(ulong devicePointer) => Cuda.cuMemFree_v2(devicePointer);

    public CuResult MemcpyHtoD(ulong destination, ReadOnlySpan<byte> source)
    {
        fixed (byte* p = source)
        {
            return Cuda.cuMemcpyHtoD_v2(destination, p, (nuint)source.Length);
        }
    }

    public CuResult MemcpyDtoH(Span<byte> destination, ulong source)
    {
        fixed (byte* p = destination)
        {
            return Cuda.cuMemcpyDtoH_v2(p, source, (nuint)destination.Length);
        }
    }

    public CuResult MemsetD8(ulong destination, byte value, ulong count) =>
        Cuda.cuMemsetD8_v2(destination, value, (nuint)count);

    public CuResult MemcpyHtoDAsync(ulong destination, ReadOnlySpan<byte> source, nint stream)
    {
        fixed (byte* p = source)
        {
            return Cuda.cuMemcpyHtoDAsync_v2(destination, p, (nuint)source.Length, stream);
        }
    }

    public CuResult MemcpyDtoHAsync(Span<byte> destination, ulong source, nint stream)
    {
        fixed (byte* p = destination)
        {
            return Cuda.cuMemcpyDtoHAsync_v2(p, source, (nuint)destination.Length, stream);
        }
    }

    public CuResult StreamCreate(uint flags, out nint stream)
    {
        nint value;
        var code = Cuda.cuStreamCreate(&value, flags);
        stream = value;
        return code;
    }

    public CuResult StreamDestroy(nint stream) => Cuda.cuStreamDestroy_v2(stream);

    public CuResult StreamSynchronize(nint stream) => Cuda.cuStreamSynchronize(stream);

    public CuResult StreamQuery(nint stream) => Cuda.cuStreamQuery(stream);

    public CuResult EventCreate(uint flags, out nint cuEvent)
    {
        nint value;
        var code = Cuda.cuEventCreate(&value, flags);
        cuEvent = value;
        return code;
    }

    public CuResult EventDestroy(nint cuEvent) => Cuda.cuEventDestroy_v2(cuEvent);

    public CuResult EventRecord(nint cuEvent, nint stream) => Cuda.cuEventRecord(cuEvent, stream);

    public CuResult EventSynchronize(nint cuEvent) => Cuda.cuEventSynchronize(cuEvent);

    public CuResult EventElapsedTime(nint startEvent, nint endEvent, out float milliseconds)
    {
        float value;
        CuResult code;
        if (!_elapsedTimeV2Missing)
        {
            try
            {
                code = Cuda.cuEventElapsedTime_v2(&value, startEvent, endEvent);
                milliseconds = value;
                return code;
            }
            catch (EntryPointNotFoundException)
            {
                // Drivers before CUDA 12.8 export only the unversioned symbol.
                _elapsedTimeV2Missing = true;
            }
        }

        code = Cuda.cuEventElapsedTime(&value, startEvent, endEvent);
        milliseconds = value;
        return code;
    }

    public CuResult GetErrorName(CuResult code, out string name)
    {
        byte* text = null;
        var result = Cuda.cuGetErrorName(code, &text);
        name = result == CuResult.Success ? NativeStrings.FromPointer(text) : string.Empty;
        return result;
    }

    public CuResult GetErrorString(CuResult code, out string description)
    {
        byte* text = null;
        var result = Cuda.cuGetErrorString(code, &text);
        description = result == CuResult.Success ? NativeStrings.FromPointer(text) : string.Empty;
        return result;
    }
}
