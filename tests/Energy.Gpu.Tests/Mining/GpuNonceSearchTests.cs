using System.Numerics;
using Energy.Gpu.Mining;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Mining;

public class GpuNonceSearchTests
{
    private const int ShareFoundEvent = 2151;
    private const int CandidateMissedTargetEvent = 2152;
    private const int InvalidCandidateEvent = 2153;
    private const int CandidateBufferOverflowedEvent = 2154;

    private readonly CapturingLogger<GpuNonceSearch> _logger = new();

    [Fact]
    public void Search_AroundGenesisNonce_FindsExactlyTheRealNonce()
    {
        var header = KnownBlocks.Genesis().WithNonce(0);

        var result = Search(new CpuSha256dKernel(), launchNonces: 1 << 14).Search(header, header.Target, KnownBlocks.GenesisNonce - 30_000, 60_000);

        Assert.Equal([KnownBlocks.GenesisNonce], result.Shares);
        Assert.Equal(1, result.Candidates);
        Assert.Equal(0, result.Rejected);
        Assert.Equal(4, result.Launches);
        Assert.Equal(60_000, result.HashesTried);
        Assert.Single(_logger.WithEventId(ShareFoundEvent));
    }

    [Fact]
    public void Search_ShareDifficulty_FindsWhatCpuNonceSearchFinds()
    {
        var header = KnownBlocks.Block125552();
        var shareTarget = Target.FromDifficulty(1.0 / 65536);
        var expected = new CpuNonceSearch(TimeProvider.System).Search(header, shareTarget, 0, 1 << 18).Nonces;

        var result = Search(new CpuSha256dKernel(), launchNonces: 1 << 16).Search(header, shareTarget, 0, 1 << 18);

        Assert.InRange(expected.Count, 2, 20);
        Assert.Equal(expected, result.Shares);
        Assert.Equal(result.Candidates - result.SharesFound, result.Rejected);
    }

    [Fact]
    public void Search_KernelReturningWrongNonces_RejectsEveryOneAndReportsNoShares()
    {
        // In range but no hits, out of range, and one repeated: a broken or lying kernel.
        var kernel = new ScriptedSha256dKernel { Answer = (first, count) => [first, first + 1, first + 1, (uint)(first + count), first - 1] };
        var header = KnownBlocks.Block125552();

        var result = Search(kernel, launchNonces: 1000).Search(header, header.Target, 5_000, 3_000);

        Assert.Empty(result.Shares);
        Assert.Equal(15, result.Candidates);
        Assert.Equal(15, result.Rejected);
        Assert.Equal(15, result.InvalidCandidates);
        Assert.Equal(15, _logger.WithEventId(InvalidCandidateEvent).Count);
        Assert.All(_logger.WithEventId(InvalidCandidateEvent), e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.Empty(_logger.WithEventId(ShareFoundEvent));
        Assert.Contains(_logger.Entries, e => e.Message.Contains("outside the launched range", StringComparison.Ordinal));
        Assert.Contains(_logger.Entries, e => e.Message.Contains("reported twice", StringComparison.Ordinal));
        Assert.Contains(_logger.Entries, e => e.Message.Contains("fails the kernel's quick reject", StringComparison.Ordinal));
    }

    [Fact]
    public void Search_QuickRejectFalsePositive_IsRejectedButNotInvalid()
    {
        // A target whose top word equals the genesis hash's and whose other bits are zero: the
        // genesis nonce passes the quick reject, but its full hash is above the target.
        var header = KnownBlocks.Genesis();
        Span<byte> hash = stackalloc byte[Sha256.DigestBytes];
        header.ComputeHash(hash);
        var topWordOnly = Target.FromBigInteger(new BigInteger(hash, isUnsigned: true) >> 224 << 224);

        var result = Search(new CpuSha256dKernel(), launchNonces: 1 << 12).Search(header, topWordOnly, KnownBlocks.GenesisNonce - 10, 20);

        Assert.Empty(result.Shares);
        Assert.Equal(1, result.Candidates);
        Assert.Equal(1, result.Rejected);
        Assert.Equal(0, result.InvalidCandidates);
        Assert.Equal(LogLevel.Debug, Assert.Single(_logger.WithEventId(CandidateMissedTargetEvent)).Level);
    }

    [Fact]
    public void Search_LaunchOverflowsItsBuffer_SearchesItAgainInHalvesAndLosesNothing()
    {
        var header = KnownBlocks.Genesis();
        var shareTarget = Target.FromDifficulty(1.0 / 65536);
        var expected = new CpuNonceSearch(TimeProvider.System).Search(header, shareTarget, 0, 1 << 18).Nonces;

        var result = Search(new CpuSha256dKernel(candidateCapacity: 2), launchNonces: 1 << 18).Search(header, shareTarget, 0, 1 << 18);

        Assert.True(expected.Count > 2);
        Assert.Equal(expected, result.Shares);
        Assert.True(result.OverflowedLaunches > 0);
        Assert.Equal(result.OverflowedLaunches, _logger.WithEventId(CandidateBufferOverflowedEvent).Count);
        Assert.Equal(0, result.Rejected);
    }

    [Fact]
    public void Search_RangeLongerThanALaunch_LaunchesConfiguredSizesUpToTheLastNonce()
    {
        var kernel = new ScriptedSha256dKernel();

        Search(kernel, launchNonces: 4096).Search(KnownBlocks.Genesis(), Target.DifficultyOne, uint.MaxValue - 9_999, 10_000);

        Assert.Equal(
            [(uint.MaxValue - 9_999, 4096L), (uint.MaxValue - 5_903, 4096L), (uint.MaxValue - 1_807, 1808L)],
            kernel.Launches);
    }

    [Fact]
    public void Search_ElapsedFromTimeProvider_ReportsHashesPerSecond()
    {
        var time = new FakeTimeProvider();
        var kernel = new ScriptedSha256dKernel { OnLaunch = () => time.Advance(TimeSpan.FromSeconds(1)) };
        var search = new GpuNonceSearch(kernel, time, _logger, new GpuNonceSearchOptions { LaunchNonces = 1 << 20 });

        var result = search.Search(KnownBlocks.Genesis(), Target.DifficultyOne, 0, 1 << 22);

        Assert.Equal(TimeSpan.FromSeconds(4), result.Elapsed);
        Assert.Equal(1 << 20, result.HashesPerSecond);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 2150 && e.Message.Contains("1048576 H/s", StringComparison.Ordinal));
    }

    [Fact]
    public void Search_CancelledToken_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(
            () => Search(new ScriptedSha256dKernel()).Search(KnownBlocks.Genesis(), Target.DifficultyOne, 0, CpuNonceSearch.FullRange, cancellation.Token));
    }

    [Fact]
    public void Search_RangePastTheLastNonce_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => Search(new ScriptedSha256dKernel()).Search(KnownBlocks.Genesis(), Target.DifficultyOne, uint.MaxValue, 2));
    }

    [Theory]
    [InlineData(0)]
    [InlineData((1L << 31) + 1)]
    public void Constructor_LaunchNoncesOutOfRange_Throws(long launchNonces)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Search(new ScriptedSha256dKernel(), launchNonces));
    }

    private GpuNonceSearch Search(ISha256dKernel kernel, long launchNonces = 1 << 30) =>
        new(kernel, TimeProvider.System, _logger, new GpuNonceSearchOptions { LaunchNonces = launchNonces });
}
