using System.Numerics;
using Energy.Gpu.Mining;
using Energy.Gpu.Tests.Mining;
using Energy.TestSupport.Logging;
using Energy.TestSupport.Tools;

namespace Energy.Gpu.Tests.Kernels;

/// <summary>
/// The CUDA C of Kernels/sha256d.cu, built with gcc and run on the CPU, against real blocks and
/// against <see cref="CpuNonceSearch"/>: its candidates must include every real hit, and after the
/// host's re-check (<see cref="GpuNonceSearch"/>) equal them.
/// </summary>
public sealed class Sha256dKernelCpuTests(Sha256dCpuHarness harness) : IClassFixture<Sha256dCpuHarness>
{
    // A ragged geometry: 200,001 nonces are not a multiple of 256 × 64, so the last block overhangs.
    private static readonly Sha256dLaunchGeometry Geometry = new(256, 64);

    private readonly CpuNonceSearch _cpuSearch = new(TimeProvider.System);

    [RequiresGccFact]
    public void Kernel_AroundGenesisNonce_ReportsTheRealNonce()
    {
        var header = KnownBlocks.Genesis().WithNonce(0);

        var run = Run(header, header.Target, KnownBlocks.GenesisNonce - 100_000, 200_001);
        var result = SearchWithKernel(header, header.Target, KnownBlocks.GenesisNonce - 100_000, 200_001, launchNonces: 200_001);

        Assert.Contains(KnownBlocks.GenesisNonce, run.Candidates);
        Assert.Equal([KnownBlocks.GenesisNonce], result.Shares);
    }

    [RequiresGccFact]
    public void Kernel_AroundBlock125552Nonce_ReportsTheRealNonce()
    {
        var header = KnownBlocks.Block125552().WithNonce(0);

        var run = Run(header, header.Target, KnownBlocks.Block125552Nonce - 100_000, 200_001);
        var result = SearchWithKernel(header, header.Target, KnownBlocks.Block125552Nonce - 100_000, 200_001, launchNonces: 200_001);

        Assert.Contains(KnownBlocks.Block125552Nonce, run.Candidates);
        Assert.Equal([KnownBlocks.Block125552Nonce], result.Shares);
    }

    [RequiresGccFact]
    public void Kernel_RangeWithoutTheNonce_ReportsNothing()
    {
        var header = KnownBlocks.Block125552();

        var run = Run(header, header.Target, KnownBlocks.Block125552Nonce + 1, 200_000);

        Assert.Equal(0, run.Reported);
        Assert.Empty(run.Candidates);
    }

    [RequiresGccFact]
    public void Kernel_ShareDifficulty_CandidatesCoverCpuSearchAndVerifyToItExactly()
    {
        // Difficulty 2^-16: target top word 0x0000ffff, ≈ 16 hits in 2^20 nonces.
        var header = KnownBlocks.Block125552();
        var shareTarget = Target.FromDifficulty(1.0 / 65536);
        var expected = _cpuSearch.Search(header, shareTarget, 0, 1 << 20).Nonces;

        var run = Run(header, shareTarget, 0, 1 << 20);
        var result = SearchWithKernel(header, shareTarget, 0, 1 << 20, launchNonces: 1 << 18);

        Assert.InRange(expected.Count, 4, 40);
        Assert.Subset(run.Candidates.ToHashSet(), expected.ToHashSet());
        Assert.Equal(run.Reported, run.Candidates.Count);
        Assert.Equal(expected, result.Shares);
        Assert.Equal(4, result.Launches);
        Assert.Equal(result.Candidates - result.SharesFound, result.Rejected);
        Assert.Equal(0, result.InvalidCandidates);
    }

    [RequiresGccFact]
    public void Kernel_OutputBufferOverflows_CountsAllKeepsCapacityAndTheHostResearches()
    {
        var header = KnownBlocks.Genesis();
        var shareTarget = Target.FromDifficulty(1.0 / 65536);
        var expected = _cpuSearch.Search(header, shareTarget, 0, 1 << 18).Nonces;

        var run = harness.Run(Sha256dKernelParameters.FromHeader(header, shareTarget), 0, (1 << 18) - 1, Geometry, capacity: 2);
        var result = new GpuNonceSearch(new GccSha256dKernel(harness, Geometry, 2), TimeProvider.System, new CapturingLogger<GpuNonceSearch>())
            .Search(header, shareTarget, 0, 1 << 18);

        Assert.True(expected.Count > 2, $"only {expected.Count} hits: pick a range with more");
        Assert.Equal(expected.Count, run.Reported);
        Assert.Equal(2, run.Candidates.Count);
        Assert.Equal(expected, result.Shares);
        Assert.True(result.OverflowedLaunches > 0);
    }

    [RequiresGccFact]
    public void Kernel_EveryNoncePasses_CoversTheRangeExactlyOnce()
    {
        // Target 2^256 − 1: every hash is a hit, so the candidates are the nonces the grid visited.
        var everything = Target.FromBigInteger((BigInteger.One << 256) - 1);
        var geometry = new Sha256dLaunchGeometry(32, 7);

        var run = harness.Run(Sha256dKernelParameters.FromHeader(KnownBlocks.Genesis(), everything), 5_000, 5_999, geometry, capacity: 2_000);

        Assert.Equal(5, run.Blocks);
        Assert.Equal(1_000, run.Reported);
        Assert.Equal(Enumerable.Range(5_000, 1_000).Select(n => (uint)n), run.Candidates.Order());
    }

    [RequiresGccFact]
    public void Kernel_RangeEndingAtTheLastNonce_DoesNotWrap()
    {
        // Top word 0x0fffffff: one hash in 16 passes.
        var header = KnownBlocks.Block125552();
        var easy = Target.FromBigInteger((new BigInteger(0x10000000) << 224) - 1);
        var expected = _cpuSearch.Search(header, easy, uint.MaxValue - 4_999, 5_000).Nonces;

        var run = Run(header, easy, uint.MaxValue - 4_999, 5_000);

        Assert.InRange(expected.Count, 100, 900);
        Assert.Equal(expected, run.Candidates.Order());
    }

    private HarnessRun Run(BlockHeader header, Target target, uint firstNonce, long count) =>
        harness.Run(Sha256dKernelParameters.FromHeader(header, target), firstNonce, (uint)(firstNonce + count - 1), Geometry, capacity: 1_000);

    private GpuNonceSearchResult SearchWithKernel(BlockHeader header, Target target, uint firstNonce, long count, long launchNonces) =>
        new GpuNonceSearch(
            new GccSha256dKernel(harness, Geometry, 1_000),
            TimeProvider.System,
            new CapturingLogger<GpuNonceSearch>(),
            new GpuNonceSearchOptions { LaunchNonces = launchNonces })
        .Search(header, target, firstNonce, count);
}
