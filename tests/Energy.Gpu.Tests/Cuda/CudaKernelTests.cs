using System.Buffers.Binary;
using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Tests.Interop;

namespace Energy.Gpu.Tests.Cuda;

public class CudaKernelTests
{
    private static (FakeCudaDriverApi Api, CudaContext Context) Retain()
    {
        var api = new FakeCudaDriverApi();
        var runtime = CudaRuntime.Open(api);
        return (api, runtime.RetainPrimaryContext(runtime.Devices[0]));
    }

    [Fact]
    public void Launch_PassesShapeStreamSharedMemoryAndArgumentValues()
    {
        var (api, context) = Retain();
        using var module = context.LoadModule([0x7f, (byte)'E', (byte)'L', (byte)'F']);
        var kernel = module.GetKernel("sha256d_search");
        using var stream = context.CreateStream();
        using var output = context.Allocate<uint>(16);
        api.LaunchParameterSizes = [8, 4, 4, 1];

        kernel.Launch(new Dim3(528), new Dim3(256), new KernelArguments().Add(output).Add(0xDEADBEEFu).Add(0.5f).Add((byte)7),
            stream, sharedMemoryBytes: 4096);

        var launch = Assert.Single(api.Launches);
        Assert.Equal(kernel.Handle, launch.Function);
        Assert.Equal((528u, 1u, 1u), launch.Grid);
        Assert.Equal((256u, 1u, 1u), launch.Block);
        Assert.Equal(4096u, launch.SharedMemoryBytes);
        Assert.Equal(stream.Handle, launch.Stream);
        Assert.Equal(output.DevicePointer, BinaryPrimitives.ReadUInt64LittleEndian(launch.ParameterValues[0]));
        Assert.Equal(0xDEADBEEFu, BinaryPrimitives.ReadUInt32LittleEndian(launch.ParameterValues[1]));
        Assert.Equal(0.5f, BinaryPrimitives.ReadSingleLittleEndian(launch.ParameterValues[2]));
        Assert.Equal([7], launch.ParameterValues[3]);
        Assert.Equal(["sha256d_search"], api.FunctionNames);
        Assert.Equal([0x7f, (byte)'E', (byte)'L', (byte)'F'], Assert.Single(api.LoadedImages));
    }

    [Fact]
    public void KernelArguments_AlignEachValueToItsSize()
    {
        var (api, context) = Retain();
        using var module = context.LoadModule([1]);
        var kernel = module.GetKernel("k");

        kernel.Launch(new Dim3(1), new Dim3(1), new KernelArguments().Add((byte)1).Add(2UL).Add((short)3).Add(4));

        var pointers = Assert.Single(api.Launches).ParameterPointers;
        Assert.Equal([0, 8, 16, 20], pointers.Select(p => (int)(p - pointers[0])));
    }

    [Fact]
    public void KernelArguments_Grow_KeepEarlierValues()
    {
        var (api, context) = Retain();
        using var module = context.LoadModule([1]);
        var arguments = new KernelArguments();
        for (var i = 0UL; i < 40; i++)
        {
            arguments.Add(i * 3);
        }

        api.LaunchParameterSizes = Enumerable.Repeat(8, 40).ToArray();
        module.GetKernel("k").Launch(new Dim3(1), new Dim3(32), arguments);

        Assert.Equal(40, arguments.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (ulong)i * 3),
            Assert.Single(api.Launches).ParameterValues.Select(v => BinaryPrimitives.ReadUInt64LittleEndian(v)));
    }

    [Fact]
    public void Launch_NoArgumentsOrStream_PassesEmptyParamsAndDefaultStream()
    {
        var (api, context) = Retain();
        using var module = context.LoadModule([1]);

        module.GetKernel("idle").Launch(new Dim3(2, 3, 4), new Dim3(32, 2), new KernelArguments());

        var launch = Assert.Single(api.Launches);
        Assert.Empty(launch.ParameterPointers);
        Assert.Equal((nint)0, launch.Stream);
        Assert.Equal((2u, 3u, 4u), launch.Grid);
        Assert.Equal((32u, 2u, 1u), launch.Block);
    }

    [Fact]
    public void Launch_DriverRefuses_ThrowsNamingTheKernel()
    {
        var (api, context) = Retain();
        using var module = context.LoadModule([1]);
        var kernel = module.GetKernel("fat");
        api.Codes["cuLaunchKernel"] = CuResult.LaunchOutOfResources;

        var ex = Assert.Throws<CudaException>(() => kernel.Launch(new Dim3(1), new Dim3(1024), new KernelArguments()));

        Assert.Equal("cuLaunchKernel(fat) failed: CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES (701)", ex.Message);
    }

    [Fact]
    public void LoadModule_InvalidImage_ThrowsWithDriverText()
    {
        var (api, context) = Retain();
        api.Codes["cuModuleLoadData"] = CuResult.InvalidPtx;

        var ex = Assert.Throws<CudaException>(() => context.LoadModule([1, 2, 3]));

        Assert.Equal("cuModuleLoadData failed: CUDA_ERROR_INVALID_PTX (218): a PTX JIT compilation failed", ex.Message);
    }

    [Fact]
    public void Module_Dispose_UnloadsOnce()
    {
        var (api, context) = Retain();
        var module = context.LoadModule([1]);

        module.Dispose();
        module.Dispose();

        Assert.Equal(1, api.Calls.Count(c => c == "cuModuleUnload"));
        Assert.Throws<ObjectDisposedException>(() => module.GetKernel("k"));
    }

    [Fact]
    public void Dim3_ZeroExtent_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dim3(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dim3(1, 1, 0));
        Assert.Equal(24ul, new Dim3(2, 3, 4).Count);
    }

    [Fact]
    public void Registers_AndOccupancy_AskTheDriverAboutThisKernel()
    {
        var (api, context) = Retain();
        using var module = context.LoadModule([1]);
        var kernel = module.GetKernel("sha256d_search");
        api.FunctionAttributes[CuFunctionAttribute.NumRegisters] = 38;
        api.ActiveBlocksPerMultiprocessor = 6;

        Assert.Equal(38, kernel.Registers);
        Assert.Equal(6, kernel.MaxActiveBlocksPerMultiprocessor(256));
        Assert.Equal([256], api.OccupancyBlockSizes);
    }

    [Fact]
    public void DeviceUuid_IsFormattedAsNvmlPrintsIt()
    {
        var api = new FakeCudaDriverApi();
        var runtime = CudaRuntime.Open(api);

        Assert.Equal("GPU-5e1f0a3b-9c2d-4e8f-a1b2-c3d4e5f60718", CudaDevice.ReadUuid(api, runtime.Devices[0]));
        api.Codes["cuDeviceGetUuid_v2"] = CuResult.NotSupported;
        Assert.Null(CudaDevice.ReadUuid(api, runtime.Devices[0]));
    }
}
