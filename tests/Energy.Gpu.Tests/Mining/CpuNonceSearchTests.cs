using Energy.Gpu.Mining;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Mining;

public class CpuNonceSearchTests
{
    private readonly CpuNonceSearch _search = new(TimeProvider.System);

    [Fact]
    public void Search_AroundBlock125552Nonce_FindsExactlyTheRealNonce()
    {
        var header = KnownBlocks.Block125552().WithNonce(0);

        var result = _search.Search(header, header.Target, KnownBlocks.Block125552Nonce - 200_000, 400_000);

        Assert.Equal([KnownBlocks.Block125552Nonce], result.Nonces);
        Assert.Equal(400_000, result.HashesTried);
    }

    [Fact]
    public void Search_AroundGenesisNonce_FindsExactlyTheRealNonce()
    {
        var header = KnownBlocks.Genesis().WithNonce(0);

        var result = _search.Search(header, header.Target, KnownBlocks.GenesisNonce - 100_000, 200_000);

        Assert.Equal([KnownBlocks.GenesisNonce], result.Nonces);
    }

    [Fact]
    public void Search_RangeExcludingTheNonce_FindsNothing()
    {
        var header = KnownBlocks.Block125552();

        var result = _search.Search(header, header.Target, KnownBlocks.Block125552Nonce + 1, 200_000);

        Assert.Empty(result.Nonces);
    }

    [Fact]
    public void Search_LowShareDifficulty_FindsSeveralSharesThatEachVerify()
    {
        // Difficulty 2^-16: one hash in 2^16 meets it, so ≈ 4 in 2^18 nonces.
        var header = KnownBlocks.Block125552();
        var shareTarget = Target.FromDifficulty(1.0 / 65536);
        Span<byte> hash = stackalloc byte[Sha256.DigestBytes];

        var result = _search.Search(header, shareTarget, 0, 1 << 18);

        Assert.InRange(result.Nonces.Count, 2, 20);
        foreach (var nonce in result.Nonces)
        {
            header.WithNonce(nonce).ComputeHash(hash);
            Assert.True(shareTarget.IsMetBy(hash));
        }
    }

    [Fact]
    public void Search_CancelledToken_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(
            () => _search.Search(KnownBlocks.Genesis(), Target.DifficultyOne, 0, CpuNonceSearch.FullRange, cancellation.Token));
    }

    [Fact]
    public void Search_RangePastTheLastNonce_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _search.Search(KnownBlocks.Genesis(), Target.DifficultyOne, uint.MaxValue, 2));
    }

    [Fact]
    public void Search_ElapsedFromTimeProvider_ReportsHashesPerSecond()
    {
        var time = new FakeTimeProvider();
        var search = new CpuNonceSearch(time);

        var result = search.Search(KnownBlocks.Genesis(), Target.DifficultyOne, 0, 1000);

        Assert.Equal(TimeSpan.Zero, result.Elapsed);
        Assert.Equal(0, result.HashesPerSecond);
        Assert.Equal(1000, result.HashesTried);
    }
}
