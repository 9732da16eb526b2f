using Energy.Contracts.Sites;
using Energy.Gpu.Devices;
using Energy.Gpu.Interop;
using Energy.Gpu.Simulation;
using Energy.Gpu.Tests.Interop;
using Energy.TestSupport.Logging;
using Energy.TestSupport.Sites;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Devices;

public sealed class GpuBackendSelectorTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLibraries _libraries = new();
    private readonly CapturingLoggers _loggers = new();
    private readonly Site _site = TestSites.With(
        TestSites.Pool("liquid-h100", 4) with { GpuModel = "H100 SXM 80GB" },
        TestSites.Pool("liquid-h200", 2) with { GpuModel = "H200 141GB" });

    private GpuBackend? _backend;

    public void Dispose() => _backend?.Dispose();

    private GpuBackend Select(GpuBackendMode mode = GpuBackendMode.Auto) =>
        _backend = GpuBackendSelector.Select(_site, _time, _loggers, new GpuBackendOptions { Mode = mode, KernelCacheDirectory = Path.GetTempPath() }, _libraries);

    [Fact]
    public void NoDriver_SimulatesTheSiteFilesGpus_AndSaysWhatToInstall()
    {
        _libraries.Nvml = null;

        var backend = Select();

        Assert.Equal("simulated", backend.Description);
        Assert.False(backend.IsCuda);
        Assert.Equal(6, backend.Devices.Count);
        Assert.All(backend.Devices, d => Assert.IsType<SimulatedGpu>(d));
        var line = Assert.Single(_loggers.Logger.WithEventId(2301)).Message;
        Assert.Equal("GPU backend: simulated: libnvidia-ml.so.1 not found: install the NVIDIA driver (580+)", line);
    }

    [Fact]
    public void NvmlButNoCudaDriver_Simulates_NamingLibcuda()
    {
        _libraries.Cuda = null;

        var backend = Select();

        Assert.Equal("libcuda.so.1 not found: install the NVIDIA driver (580+)", backend.Reason);
        Assert.Equal(["nvmlInit_v2", "nvmlShutdown"], _libraries.NvmlCalls);
    }

    [Fact]
    public void NoCudaDevice_Simulates()
    {
        _libraries.Cuda!.Codes["cuInit"] = CuResult.NoDevice;

        Assert.StartsWith("no CUDA device", Select().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NoCublas_Simulates_NamingIt()
    {
        _libraries.Cublas = null;

        Assert.StartsWith("libcublas.so.13 / libcublas.so.12 not found", Select().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void EverythingPresent_RealGpus_InThePoolTheirModelMatches()
    {
        var backend = Select();

        Assert.True(backend.IsCuda);
        Assert.Equal("CUDA backend: 1 × NVIDIA H200 (sm_90), driver 580.159.03, CUDA 13.0", backend.Description);
        var gpu = Assert.IsType<CudaGpuDevice>(Assert.Single(backend.Devices));
        Assert.Equal(("liquid-h200/cuda0", "liquid-h200"), (gpu.Id, gpu.Pool));
        Assert.Equal("GPU backend: CUDA backend: 1 × NVIDIA H200 (sm_90), driver 580.159.03, CUDA 13.0",
            Assert.Single(_loggers.Logger.WithEventId(2300)).Message);
        Assert.Contains("its gpuModel 'H200 141GB' matches", Assert.Single(_loggers.Logger.WithEventId(2302)).Message, StringComparison.Ordinal);
        Assert.Empty(_libraries.Nvml!.SetCalls);
    }

    [Fact]
    public void Devices_ArePairedByUuid_NotByIndex()
    {
        var cudaUuid = "GPU-" + "5e1f0a3b-9c2d-4e8f-a1b2-c3d4e5f60718";
        _libraries.Nvml!.DeviceCount = 2;
        _libraries.Nvml.Uuids.Clear();
        _libraries.Nvml.Uuids.AddRange(["GPU-11111111-2222-3333-4444-555555555555", cudaUuid]);

        var gpu = Assert.IsType<CudaGpuDevice>(Assert.Single(Select().Devices));

        Assert.Equal(cudaUuid, gpu.Uuid);
    }

    [Fact]
    public void CudaDeviceWithoutAnNvmlTwin_IsLeftOut_AndSimulationTakesOver()
    {
        _libraries.Nvml!.Uuids[0] = "GPU-99999999-2222-3333-4444-555555555555";

        var backend = Select();

        Assert.False(backend.IsCuda);
        Assert.Single(_loggers.Logger.WithEventId(2303));
    }

    [Fact]
    public void SimulatedMode_NeverOpensTheDriver()
    {
        var backend = Select(GpuBackendMode.Simulated);

        Assert.Equal("chosen by configuration", backend.Reason);
        Assert.Empty(_libraries.NvmlCalls);
    }

    [Fact]
    public void CudaMode_WithoutADriver_FailsTheStart()
    {
        _libraries.Nvml = null;

        var ex = Assert.Throws<GpuBackendUnavailableException>(() => Select(GpuBackendMode.Cuda));

        Assert.Contains("libnvidia-ml.so.1 not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_ShutsNvmlDown()
    {
        Select().Dispose();

        Assert.Equal("nvmlShutdown", _libraries.NvmlCalls[^1]);
    }

    [Theory]
    [InlineData("H100 SXM 80GB", "NVIDIA H100 80GB HBM3", true)]
    [InlineData("H200 141GB", "NVIDIA H200", true)]
    [InlineData("H100 SXM 80GB", "NVIDIA H200", false)]
    [InlineData("H100 80GB", "NVIDIA A100-SXM4-80GB", false)]
    [InlineData("L40S 48GB", "NVIDIA L40S", true)]
    [InlineData("RTX 4090", "NVIDIA GeForce RTX 4090", true)]
    public void PoolMatch_ComparesTheChipName(string gpuModel, string deviceName, bool matches)
    {
        Assert.Equal(matches, GpuPoolMatch.Matches(gpuModel, deviceName));
    }

    [Fact]
    public void PoolMatch_NoPoolMatches_TakesTheFirst()
    {
        var (pool, why) = GpuPoolMatch.For(_site, "NVIDIA B200");

        Assert.Equal("liquid-h100", pool.Name);
        Assert.Contains("no pool's gpuModel matches 'NVIDIA B200'", why, StringComparison.Ordinal);
    }

    [Fact]
    public void KindsOf_SiteWorkloadsFirst_ThenKindNames()
    {
        var kinds = GpuBackendSelector.KindsOf(TestSites.Bathhouse());

        Assert.Equal(WorkloadKind.Inference, kinds("acme-inference"));
        Assert.Equal(WorkloadKind.Mining, kinds("mining"));
        Assert.Equal(WorkloadKind.Heater, kinds("Heater"));
        Assert.Null(kinds("1"));
        Assert.Null(kinds("folding"));
    }

    /// <summary>NVIDIA's libraries as fakes; a null one "is not installed".</summary>
    private sealed class FakeLibraries : INvidiaLibraries
    {
        public FakeNvmlApi? Nvml { get; set; } = new();
        public FakeCudaDriverApi? Cuda { get; set; } = new();
        public FakeNvrtcApi? Nvrtc { get; set; } = new();
        public FakeCublasApi? Cublas { get; set; } = new();
        public List<string> NvmlCalls => Nvml?.Calls.Where(c => c is "nvmlInit_v2" or "nvmlShutdown").ToList() ?? [];

        public bool TryOpenNvml(out INvmlApi? api, out string reason) => Open(Nvml, NativeLibraries.Nvml, out api, out reason);
        public bool TryOpenCuda(out ICudaDriverApi? api, out string reason) => Open(Cuda, NativeLibraries.Cuda, out api, out reason);
        public bool TryOpenNvrtc(out INvrtcApi? api, out string reason) => Open(Nvrtc, NativeLibraries.Nvrtc, out api, out reason);
        public bool TryOpenCublas(out ICublasApi? api, out string reason) => Open(Cublas, NativeLibraries.Cublas, out api, out reason);

        private static bool Open<T>(T? fake, string name, out T? api, out string reason)
            where T : class
        {
            api = fake;
            reason = fake is null ? NativeLibraries.MissingLibraryMessage(name) : string.Empty;
            return fake is not null;
        }
    }

    /// <summary>One capturing logger behind every category.</summary>
    private sealed class CapturingLoggers : ILoggerFactory
    {
        public CapturingLogger<GpuBackendSelectorTests> Logger { get; } = new();

        public ILogger CreateLogger(string categoryName) => Logger;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
