using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Tests.Interop;
using Energy.TestSupport.Logging;

namespace Energy.Gpu.Tests.Cuda;

public class CudaRuntimeTests
{
    [Fact]
    public void Open_WithoutLibcuda_ReportsNotAvailableWithInstallHint()
    {
        var runtime = CudaRuntime.Open();

        if (NativeLibraries.TryLoad(NativeLibraries.Cuda, out _, out _))
        {
            // A GPU host: the driver is there, so either devices or a stated reason, never an exception.
            Assert.True(runtime.IsAvailable ? runtime.Devices.Count > 0 : runtime.UnavailableReason.Length > 0);
            return;
        }

        Assert.False(runtime.IsAvailable);
        Assert.Equal("no CUDA driver: libcuda.so.1 not found: install the NVIDIA driver (580+)", runtime.UnavailableReason);
        Assert.Empty(runtime.Devices);
        var ex = Assert.Throws<InvalidOperationException>(() => runtime.Api);
        Assert.Equal(runtime.UnavailableReason, ex.Message);
    }

    [Fact]
    public void Open_FakeH200_DescribesTheDevice()
    {
        var logger = new CapturingLogger<CudaRuntime>();

        var runtime = CudaRuntime.Open(new FakeCudaDriverApi(), logger);

        Assert.True(runtime.IsAvailable);
        Assert.Equal(string.Empty, runtime.UnavailableReason);
        Assert.Equal("13.0", runtime.DriverCudaVersion);
        var device = Assert.Single(runtime.Devices);
        Assert.Equal(new CudaDevice(0, 0, "NVIDIA H200", 9, 0, 132, 150_121_971_712, 1_980_000, 1024, 32, 49_152), device);
        Assert.Equal("sm_90", device.Architecture);
        Assert.Equal(139.8, device.TotalMemoryGibibytes, 1);
        Assert.Equal("CUDA device 0: NVIDIA H200, sm_90, 132 SMs, 139.8 GiB; the driver supports CUDA 13.0", Assert.Single(logger.WithEventId(2101)).Message);
    }

    [Fact]
    public void Open_NoDevice_IsACapabilityNotAnException()
    {
        var api = new FakeCudaDriverApi();
        api.Codes["cuInit"] = CuResult.NoDevice;
        var logger = new CapturingLogger<CudaRuntime>();

        var runtime = CudaRuntime.Open(api, logger);

        Assert.False(runtime.IsAvailable);
        Assert.Equal("no CUDA device (cuInit failed: CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected); check CUDA_VISIBLE_DEVICES and nvidia-smi",
            runtime.UnavailableReason);
        Assert.Equal($"CUDA is not available: {runtime.UnavailableReason}", Assert.Single(logger.WithEventId(2100)).Message);
    }

    [Fact]
    public void Open_ToolkitStubLoaded_SaysToInstallTheDriver()
    {
        var api = new FakeCudaDriverApi();
        api.Codes["cuInit"] = CuResult.StubLibrary;

        var runtime = CudaRuntime.Open(api);

        Assert.False(runtime.IsAvailable);
        Assert.StartsWith("no CUDA driver: the CUDA toolkit's stub libcuda.so.1 was loaded", runtime.UnavailableReason, StringComparison.Ordinal);
        Assert.EndsWith("install the NVIDIA driver (580+)", runtime.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ZeroDevices_IsNotAvailable()
    {
        var runtime = CudaRuntime.Open(new FakeCudaDriverApi { DeviceCount = 0 });

        Assert.False(runtime.IsAvailable);
        Assert.Contains("CUDA_VISIBLE_DEVICES", runtime.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AttributeQueryFails_ThrowsNamingTheAttribute()
    {
        var api = new FakeCudaDriverApi();
        api.Codes["cuDeviceGetAttribute(MultiprocessorCount)"] = CuResult.InvalidDevice;

        var ex = Assert.Throws<CudaException>(() => CudaRuntime.Open(api));

        Assert.Equal("cuDeviceGetAttribute(MultiprocessorCount) failed: CUDA_ERROR_INVALID_DEVICE (101)", ex.Message);
    }

    [Fact]
    public void Architecture_FollowsComputeCapability()
    {
        var api = new FakeCudaDriverApi();
        api.Attributes[CuDeviceAttribute.ComputeCapabilityMajor] = 12;
        api.Attributes[CuDeviceAttribute.ComputeCapabilityMinor] = 0;

        Assert.Equal("sm_120", CudaDevice.Query(api, 0).Architecture);
    }
}
