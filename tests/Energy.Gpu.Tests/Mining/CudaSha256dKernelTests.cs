using System.Buffers.Binary;
using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Mining;
using Energy.Gpu.Tests.Interop;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Mining;

/// <summary>
/// The host side of Kernels/sha256d.cu through the fake driver: what is compiled, how the grid is sized,
/// the 28 arguments in the .cu's order, and the output buffer. The fake "runs" the kernel with the CPU
/// kernel when a test needs real results.
/// </summary>
public sealed class CudaSha256dKernelTests : IDisposable
{
    // 23 words, first_nonce, last_nonce, nonces_per_thread (unsigned int), out (a pointer), out_capacity.
    private static readonly int[] ParameterSizes = [.. Enumerable.Repeat(4, Sha256dKernelParameters.WordCount), 4, 4, 4, 8, 4];

    private readonly string _cache = Directory.CreateTempSubdirectory("heatgrid-sha-kernel-").FullName;
    private readonly FakeCudaDriverApi _api = new() { LaunchParameterSizes = ParameterSizes };
    private readonly FakeNvrtcApi _nvrtc = new();
    private readonly CudaContext _context;

    public CudaSha256dKernelTests()
    {
        var runtime = CudaRuntime.Open(_api);
        _context = runtime.RetainPrimaryContext(runtime.Devices[0]);
    }

    public void Dispose()
    {
        _context.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    private CudaSha256dKernel Load(int capacity = 64) =>
        CudaSha256dKernel.Load(_context, new KernelCompiler(_nvrtc, new KernelCompilerOptions { CacheDirectory = _cache }),
            new CudaSha256dKernelOptions { CandidateCapacity = capacity });

    private static Sha256dKernelParameters GenesisParameters() => Sha256dKernelParameters.FromHeader(GenesisBlock.Header(), Target.DifficultyOne);

    private static uint Word(byte[] value) => BinaryPrimitives.ReadUInt32LittleEndian(value);

    [Fact]
    public void Load_CompilesTheEmbeddedSourceForTheDevicesArchitecture_AndSizesOneWave()
    {
        using var kernel = Load();

        var options = Assert.Single(_nvrtc.Compiles);
        Assert.Equal(["--gpu-architecture=sm_90"], options);
        Assert.Equal([Sha256dKernelParameters.KernelName], _api.FunctionNames);
        Assert.Equal([256], _api.OccupancyBlockSizes);
        Assert.Equal(132 * 8, kernel.ResidentBlocks);
        Assert.Equal(40, kernel.Registers);
        Assert.False(kernel.Compiled.FromCache);
    }

    [Fact]
    public void Launch_PassesTheTwentyEightArgumentsInTheOrderOfTheCu()
    {
        using var kernel = Load(capacity: 16);
        var parameters = GenesisParameters();
        const uint First = 1_000_000;
        const long Count = 1L << 30;

        kernel.Launch(parameters, First, Count);

        var launch = Assert.Single(_api.Launches);
        Assert.Equal(28, launch.ParameterValues.Count);
        Assert.Equal(parameters.Words.ToArray(), launch.ParameterValues.Take(23).Select(Word));
        var geometry = kernel.GeometryFor(Count);
        Assert.Equal(First, Word(launch.ParameterValues[23]));
        Assert.Equal(First + (uint)(Count - 1), Word(launch.ParameterValues[24]));
        Assert.Equal((uint)geometry.NoncesPerThread, Word(launch.ParameterValues[25]));
        var outPointer = BinaryPrimitives.ReadUInt64LittleEndian(launch.ParameterValues[26]);
        Assert.Equal(17 * sizeof(uint), _api.Memory[outPointer].Length);
        Assert.Equal(16u, Word(launch.ParameterValues[27]));
        Assert.Equal(kernel.Stream.Handle, launch.Stream);
    }

    [Fact]
    public void Launch_GridIsOneWaveOfResidentBlocks_ForALargeRange()
    {
        using var kernel = Load();

        kernel.Launch(GenesisParameters(), 0, 1L << 30);

        var launch = Assert.Single(_api.Launches);
        Assert.Equal((256u, 1u, 1u), launch.Block);
        Assert.Equal(((uint)kernel.ResidentBlocks, 1u, 1u), launch.Grid);
        Assert.Equal(3972u, Word(launch.ParameterValues[25])); // ⌈2^30 / (256 × 1056)⌉
    }

    [Fact]
    public void Launch_SmallRange_UsesOnlyTheBlocksItNeeds()
    {
        using var kernel = Load();

        kernel.Launch(GenesisParameters(), 7, 1000);

        var launch = Assert.Single(_api.Launches);
        Assert.Equal((4u, 1u, 1u), launch.Grid);
        Assert.Equal(1u, Word(launch.ParameterValues[25]));
        Assert.Equal(1006u, Word(launch.ParameterValues[24]));
    }

    [Fact]
    public void Launch_ZeroesTheCountOnItsStreamBeforeEachLaunch()
    {
        using var kernel = Load();
        var seenAtLaunch = new List<uint>();
        _api.OnLaunch = launch =>
        {
            var counter = _api.Memory[BinaryPrimitives.ReadUInt64LittleEndian(launch.ParameterValues[26])];
            seenAtLaunch.Add(BinaryPrimitives.ReadUInt32LittleEndian(counter));
            BinaryPrimitives.WriteUInt32LittleEndian(counter, 5); // a stale count the next launch must not see
        };

        kernel.Launch(GenesisParameters(), 0, 100);
        kernel.Launch(GenesisParameters(), 100, 100);

        Assert.Equal([0u, 0u], seenAtLaunch);
        var calls = _api.Calls.Where(c => c is "cuMemcpyHtoDAsync_v2" or "cuLaunchKernel" or "cuMemcpyDtoHAsync_v2").ToList();
        Assert.Equal(["cuMemcpyHtoDAsync_v2", "cuLaunchKernel", "cuMemcpyDtoHAsync_v2", "cuMemcpyHtoDAsync_v2", "cuLaunchKernel", "cuMemcpyDtoHAsync_v2"], calls);
        Assert.All(_api.StreamsUsed, s => Assert.Equal(kernel.Stream.Handle, s));
    }

    [Fact]
    public void Launch_ReadsBackTheCandidatesTheKernelWrote()
    {
        using var kernel = Load();
        _api.OnLaunch = launch => WriteOutput(launch, 2, [42, 7]);

        var result = kernel.Launch(GenesisParameters(), 0, 100);

        Assert.Equal([42u, 7u], result.Candidates);
        Assert.Equal(2, result.ReportedCount);
        Assert.False(result.Overflowed);
    }

    [Fact]
    public void Launch_MoreCandidatesThanCapacity_KeepsCapacityAndFlagsOverflow()
    {
        using var kernel = Load(capacity: 4);
        _api.OnLaunch = launch => WriteOutput(launch, 9, [1, 2, 3, 4]);

        var result = kernel.Launch(GenesisParameters(), 0, 100);

        Assert.Equal([1u, 2u, 3u, 4u], result.Candidates);
        Assert.Equal(9, result.ReportedCount);
        Assert.True(result.Overflowed);
    }

    [Fact]
    public void GpuNonceSearch_OverTheCudaKernel_FindsTheGenesisNonce()
    {
        // The fake plays the kernel from the arguments it was given: a wrong word or nonce bound loses the block.
        using var kernel = Load();
        var cpu = new CpuSha256dKernel(kernel.CandidateCapacity);
        var parameters = GenesisParameters();
        _api.OnLaunch = launch =>
        {
            Assert.Equal(parameters.Words.ToArray(), launch.ParameterValues.Take(23).Select(Word));
            var first = Word(launch.ParameterValues[23]);
            var last = Word(launch.ParameterValues[24]);
            var found = cpu.Launch(parameters, first, last - (long)first + 1);
            WriteOutput(launch, (uint)found.ReportedCount, [.. found.Candidates]);
        };
        var logger = new CapturingLogger<GpuNonceSearch>();
        var search = new GpuNonceSearch(kernel, new FakeTimeProvider(), logger, new GpuNonceSearchOptions { LaunchNonces = 1 << 14 });

        var result = search.Search(GenesisBlock.Header(), Target.DifficultyOne, GenesisBlock.Nonce - 20_000, 1 << 16);

        Assert.Equal([GenesisBlock.Nonce], result.Shares);
        Assert.Equal(4, result.Launches);
        Assert.Equal(0, result.Rejected);
    }

    [Fact]
    public void Launch_RangePastTheLastNonce_IsRefusedBeforeTheGpu()
    {
        using var kernel = Load();

        Assert.Throws<ArgumentOutOfRangeException>(() => kernel.Launch(GenesisParameters(), uint.MaxValue, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => kernel.Launch(GenesisParameters(), 0, 0));
        Assert.Empty(_api.Launches);
    }

    [Fact]
    public void Launch_KernelFault_SurfacesAsCudaExceptionAtTheReadBack()
    {
        using var kernel = Load();
        _api.Codes["cuMemcpyDtoHAsync_v2"] = CuResult.IllegalAddress;

        var ex = Assert.Throws<CudaException>(() => kernel.Launch(GenesisParameters(), 0, 100));

        Assert.Equal(CuResult.IllegalAddress, ex.Code);
    }

    [Fact]
    public void Dispose_FreesTheBufferStreamAndModule()
    {
        var kernel = Load();
        var output = _api.Memory.Keys.Single();

        kernel.Dispose();

        Assert.Contains(output, _api.Freed);
        Assert.Contains("cuStreamDestroy_v2", _api.Calls);
        Assert.Contains("cuModuleUnload", _api.Calls);
    }

    private void WriteOutput(FakeCudaDriverApi.LaunchRecord launch, uint count, uint[] candidates)
    {
        var output = _api.Memory[BinaryPrimitives.ReadUInt64LittleEndian(launch.ParameterValues[26])];
        BinaryPrimitives.WriteUInt32LittleEndian(output, count);
        for (var i = 0; i < candidates.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(4 * (i + 1)), candidates[i]);
        }
    }
}
