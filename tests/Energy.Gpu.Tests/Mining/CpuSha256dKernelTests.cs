using System.Numerics;
using Energy.Gpu.Mining;

namespace Energy.Gpu.Tests.Mining;

public class CpuSha256dKernelTests
{
    [Fact]
    public void Launch_AroundGenesisNonce_ReportsItAsTheOnlyCandidate()
    {
        var header = KnownBlocks.Genesis();
        var parameters = Sha256dKernelParameters.FromHeader(header, header.Target);

        var result = new CpuSha256dKernel().Launch(parameters, KnownBlocks.GenesisNonce - 1000, 2000);

        Assert.Equal([KnownBlocks.GenesisNonce], result.Candidates);
        Assert.Equal(1, result.ReportedCount);
        Assert.False(result.Overflowed);
    }

    [Fact]
    public void Launch_MoreCandidatesThanCapacity_KeepsCapacityAndCountsAll()
    {
        var everything = Target.FromBigInteger((BigInteger.One << 256) - 1);
        var parameters = Sha256dKernelParameters.FromHeader(KnownBlocks.Genesis(), everything);

        var result = new CpuSha256dKernel(candidateCapacity: 3).Launch(parameters, 10, 100);

        Assert.Equal([10u, 11u, 12u], result.Candidates);
        Assert.Equal(100, result.ReportedCount);
        Assert.True(result.Overflowed);
    }

    [Fact]
    public void Launch_PastTheLastNonce_Throws()
    {
        var parameters = Sha256dKernelParameters.FromHeader(KnownBlocks.Genesis(), Target.DifficultyOne);

        Assert.Throws<ArgumentOutOfRangeException>(() => new CpuSha256dKernel().Launch(parameters, uint.MaxValue, 2));
    }
}
