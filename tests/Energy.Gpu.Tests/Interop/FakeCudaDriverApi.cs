using System.Runtime.InteropServices;
using Energy.Gpu.Interop;

namespace Energy.Gpu.Tests.Interop;

/// <summary>
/// Scripted CUDA driver: one H200-like device, device memory as byte arrays keyed by fake
/// <c>CUdeviceptr</c>s, a return code per C function name, and a record of every call.
/// </summary>
internal sealed class FakeCudaDriverApi : ICudaDriverApi
{
    private const ulong FirstDevicePointer = 0x7f00_0000_0000;
    private ulong _nextPointer = FirstDevicePointer;
    private nint _nextHandle = 0x1000;

    public Dictionary<string, CuResult> Codes { get; } = [];
    public List<string> Calls { get; } = [];

    public int DriverVersion { get; set; } = 13000;
    public int DeviceCount { get; set; } = 1;
    public string DeviceName { get; set; } = "NVIDIA H200";
    public Dictionary<CuDeviceAttribute, int> Attributes { get; } = new()
    {
        [CuDeviceAttribute.ComputeCapabilityMajor] = 9,
        [CuDeviceAttribute.ComputeCapabilityMinor] = 0,
        [CuDeviceAttribute.MultiprocessorCount] = 132,
        [CuDeviceAttribute.ClockRate] = 1_980_000,
        [CuDeviceAttribute.MaxThreadsPerBlock] = 1024,
        [CuDeviceAttribute.WarpSize] = 32,
        [CuDeviceAttribute.MaxSharedMemoryPerBlock] = 49_152,
    };
    public ulong TotalMemoryBytes { get; set; } = 150_121_971_712;

    public nint PrimaryContext { get; } = 0xC0DE;
    public int PrimaryRetains { get; private set; }
    public nint CurrentContext { get; private set; }

    public Dictionary<ulong, byte[]> Memory { get; } = [];
    public List<ulong> Freed { get; } = [];
    public List<nint> StreamsUsed { get; } = [];

    public List<byte[]> LoadedImages { get; } = [];
    public List<string> FunctionNames { get; } = [];

    /// <summary>Each loaded module's image, and each function's name and module, by handle: a test tells which build a launch runs.</summary>
    public Dictionary<nint, byte[]> ModuleImages { get; } = [];
    public Dictionary<nint, (string Name, nint Module)> Functions { get; } = [];

    /// <summary>Sizes of the kernel's parameters, so a launch can copy their values out.</summary>
    public int[] LaunchParameterSizes { get; set; } = [];
    public List<LaunchRecord> Launches { get; } = [];

    public float ElapsedMilliseconds { get; set; } = 12.5f;

    /// <summary>cuDeviceGetUuid_v2's bytes.</summary>
    public byte[] Uuid { get; set; } = Convert.FromHexString("5e1f0a3b9c2d4e8fa1b2c3d4e5f60718");

    /// <summary>cuFuncGetAttribute's answers.</summary>
    public Dictionary<CuFunctionAttribute, int> FunctionAttributes { get; } = new() { [CuFunctionAttribute.NumRegisters] = 40 };

    /// <summary>cuOccupancyMaxActiveBlocksPerMultiprocessor's answer, and the block sizes asked about.</summary>
    public int ActiveBlocksPerMultiprocessor { get; set; } = 8;
    public List<int> OccupancyBlockSizes { get; } = [];

    /// <summary>Runs after each recorded launch: a test plays the kernel (writes results into <see cref="Memory"/>, moves a clock).</summary>
    public Action<LaunchRecord>? OnLaunch { get; set; }

    private CuResult Code(string function)
    {
        Calls.Add(function);
        return Codes.GetValueOrDefault(function, CuResult.Success);
    }

    private nint NewHandle() => _nextHandle += 0x10;

    public CuResult Init(uint flags) => Code("cuInit");
    public CuResult DriverGetVersion(out int version) { version = DriverVersion; return Code("cuDriverGetVersion"); }
    public CuResult DeviceGetCount(out int count) { count = DeviceCount; return Code("cuDeviceGetCount"); }
    public CuResult DeviceGet(int ordinal, out int device) { device = ordinal; return Code("cuDeviceGet"); }
    public CuResult DeviceGetName(int device, out string name) { name = DeviceName; return Code("cuDeviceGetName"); }

    public CuResult DeviceGetAttribute(CuDeviceAttribute attribute, int device, out int value)
    {
        value = Attributes.GetValueOrDefault(attribute);
        return Codes.GetValueOrDefault($"cuDeviceGetAttribute({attribute})", Code("cuDeviceGetAttribute"));
    }

    public CuResult DeviceTotalMem(int device, out ulong bytes) { bytes = TotalMemoryBytes; return Code("cuDeviceTotalMem_v2"); }

    public CuResult DeviceGetUuid(int device, Span<byte> uuid) { Uuid.CopyTo(uuid); return Code("cuDeviceGetUuid_v2"); }

    public CuResult FuncGetAttribute(CuFunctionAttribute attribute, nint functionHandle, out int value)
    {
        value = FunctionAttributes.GetValueOrDefault(attribute);
        return Code("cuFuncGetAttribute");
    }

    public CuResult OccupancyMaxActiveBlocksPerMultiprocessor(nint functionHandle, int blockSize, ulong dynamicSharedMemoryBytes, out int blocks)
    {
        OccupancyBlockSizes.Add(blockSize);
        blocks = ActiveBlocksPerMultiprocessor;
        return Code("cuOccupancyMaxActiveBlocksPerMultiprocessor");
    }

    public CuResult DevicePrimaryCtxRetain(int device, out nint context)
    {
        context = PrimaryContext;
        var code = Code("cuDevicePrimaryCtxRetain");
        PrimaryRetains += code == CuResult.Success ? 1 : 0;
        return code;
    }

    public CuResult DevicePrimaryCtxRelease(int device) { PrimaryRetains--; return Code("cuDevicePrimaryCtxRelease_v2"); }
    public CuResult CtxSetCurrent(nint context) { CurrentContext = context; return Code("cuCtxSetCurrent"); }
    public CuResult CtxSynchronize() => Code("cuCtxSynchronize");

    public CuResult ModuleLoadData(ReadOnlySpan<byte> image, out nint moduleHandle)
    {
        LoadedImages.Add(image.ToArray());
        moduleHandle = NewHandle();
        ModuleImages[moduleHandle] = image.ToArray();
        return Code("cuModuleLoadData");
    }

    public CuResult ModuleUnload(nint moduleHandle) => Code("cuModuleUnload");

    public CuResult ModuleGetFunction(nint moduleHandle, string name, out nint functionHandle)
    {
        FunctionNames.Add(name);
        functionHandle = NewHandle();
        Functions[functionHandle] = (name, moduleHandle);
        return Code("cuModuleGetFunction");
    }

    public CuResult LaunchKernel(
        nint functionHandle,
        uint gridDimX, uint gridDimY, uint gridDimZ,
        uint blockDimX, uint blockDimY, uint blockDimZ,
        uint sharedMemBytes, nint stream, ReadOnlySpan<nint> kernelParams)
    {
        var values = new List<byte[]>();
        for (var i = 0; i < kernelParams.Length && i < LaunchParameterSizes.Length; i++)
        {
            var value = new byte[LaunchParameterSizes[i]];
            Marshal.Copy(kernelParams[i], value, 0, value.Length);
            values.Add(value);
        }

        var record = new LaunchRecord(functionHandle, (gridDimX, gridDimY, gridDimZ), (blockDimX, blockDimY, blockDimZ),
            sharedMemBytes, stream, kernelParams.ToArray(), values);
        Launches.Add(record);
        var code = Code("cuLaunchKernel");
        if (code == CuResult.Success)
        {
            OnLaunch?.Invoke(record);
        }

        return code;
    }

    public CuResult MemAlloc(ulong bytes, out ulong devicePointer)
    {
        var code = Code("cuMemAlloc_v2");
        devicePointer = 0;
        if (code == CuResult.Success)
        {
            devicePointer = _nextPointer;
            Memory[devicePointer] = new byte[bytes];
            _nextPointer += (bytes + 255) / 256 * 256 + 256;
        }

        return code;
    }

    public CuResult MemFree(ulong devicePointer) { Freed.Add(devicePointer); Memory.Remove(devicePointer); return Code("cuMemFree_v2"); }

    public CuResult MemcpyHtoD(ulong destination, ReadOnlySpan<byte> source) { source.CopyTo(At(destination)); return Code("cuMemcpyHtoD_v2"); }

    /// <summary>The device bytes from <paramref name="pointer"/> (possibly inside an allocation) to the allocation's end.</summary>
    public Span<byte> At(ulong pointer)
    {
        foreach (var (start, bytes) in Memory)
        {
            if (pointer >= start && pointer < start + (ulong)bytes.Length)
            {
                return bytes.AsSpan((int)(pointer - start));
            }
        }

        throw new KeyNotFoundException($"0x{pointer:x} is not in any allocation.");
    }
    public CuResult MemcpyDtoH(Span<byte> destination, ulong source) { Memory[source].AsSpan(0, destination.Length).CopyTo(destination); return Code("cuMemcpyDtoH_v2"); }
    public CuResult MemsetD8(ulong destination, byte value, ulong count) { Memory[destination].AsSpan(0, checked((int)count)).Fill(value); return Code("cuMemsetD8_v2"); }

    public CuResult MemcpyHtoDAsync(ulong destination, ReadOnlySpan<byte> source, nint stream)
    {
        StreamsUsed.Add(stream);
        source.CopyTo(Memory[destination]);
        return Code("cuMemcpyHtoDAsync_v2");
    }

    public CuResult MemcpyDtoHAsync(Span<byte> destination, ulong source, nint stream)
    {
        StreamsUsed.Add(stream);
        Memory[source].AsSpan(0, destination.Length).CopyTo(destination);
        return Code("cuMemcpyDtoHAsync_v2");
    }

    public uint LastStreamFlags { get; private set; }
    public CuResult StreamCreate(uint flags, out nint stream) { LastStreamFlags = flags; stream = NewHandle(); return Code("cuStreamCreate"); }
    public CuResult StreamDestroy(nint stream) => Code("cuStreamDestroy_v2");
    public CuResult StreamSynchronize(nint stream) => Code("cuStreamSynchronize");
    public CuResult StreamQuery(nint stream) => Code("cuStreamQuery");

    public uint LastEventFlags { get; private set; }
    public CuResult EventCreate(uint flags, out nint cuEvent) { LastEventFlags = flags; cuEvent = NewHandle(); return Code("cuEventCreate"); }
    public CuResult EventDestroy(nint cuEvent) => Code("cuEventDestroy_v2");
    public CuResult EventRecord(nint cuEvent, nint stream) { StreamsUsed.Add(stream); return Code("cuEventRecord"); }
    public CuResult EventSynchronize(nint cuEvent) => Code("cuEventSynchronize");
    public CuResult EventElapsedTime(nint startEvent, nint endEvent, out float milliseconds) { milliseconds = ElapsedMilliseconds; return Code("cuEventElapsedTime_v2"); }

    public CuResult GetErrorName(CuResult code, out string name) { name = code.ToNvidiaName(); return CuResult.Success; }

    public CuResult GetErrorString(CuResult code, out string description)
    {
        description = code switch
        {
            CuResult.InvalidPtx => "a PTX JIT compilation failed",
            CuResult.OutOfMemory => "out of memory",
            CuResult.NoDevice => "no CUDA-capable device is detected",
            _ => string.Empty,
        };
        return description.Length > 0 ? CuResult.Success : CuResult.InvalidValue;
    }

    public sealed record LaunchRecord(
        nint Function,
        (uint X, uint Y, uint Z) Grid,
        (uint X, uint Y, uint Z) Block,
        uint SharedMemoryBytes,
        nint Stream,
        nint[] ParameterPointers,
        List<byte[]> ParameterValues);
}
