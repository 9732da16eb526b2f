using System.Numerics;
using Energy.Gpu.Mining;
using NB = NBitcoin;

namespace Energy.Gpu.Tests.Mining;

public class TargetTests
{
    [Theory]
    [InlineData(0x1d00ffffu)]
    [InlineData(0x1a44b9f2u)]
    [InlineData(0x17034219u)]
    [InlineData(0x1b0404cbu)]
    public void FromCompact_RealBits_EqualsNBitcoinTarget(uint bits)
    {
        Span<byte> bytes = stackalloc byte[Target.Bytes];

        Target.FromCompact(bits).WriteLittleEndian(bytes);

        Assert.Equal(new NB.Target(bits).ToUInt256().ToBytes(), bytes.ToArray());
    }

    [Fact]
    public void DifficultyOne_IsFfffTimes256To26()
    {
        Assert.Equal(new BigInteger(0xffff) << 208, Target.DifficultyOne.ToBigInteger());
        Assert.Equal("00000000ffff0000000000000000000000000000000000000000000000000000", Target.DifficultyOne.ToString());
        Assert.Equal(1.0, Target.DifficultyOne.Difficulty);
    }

    [Fact]
    public void Difficulty_Block125552_MatchesNBitcoin()
    {
        Assert.Equal(new NB.Target(0x1a44b9f2).Difficulty, Target.FromCompact(0x1a44b9f2).Difficulty, 6);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1024.0)]
    [InlineData(0.5)]
    [InlineData(1e-6)]
    public void FromDifficulty_PoolDifficulty_IsDifficultyOneDividedByIt(double difficulty)
    {
        var target = Target.FromDifficulty(difficulty);

        Assert.Equal(difficulty, target.Difficulty, difficulty * 1e-9);
    }

    [Fact]
    public void FromCompact_NegativeEncoding_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Target.FromCompact(0x1d80ffff));
    }

    [Fact]
    public void IsMetBy_HashEqualToTarget_IsMet_OneMoreIsNot()
    {
        var target = Target.FromCompact(0x1a44b9f2);
        var equal = new byte[Target.Bytes];
        target.WriteLittleEndian(equal);
        var above = (byte[])equal.Clone();
        above[0] = 1;

        Assert.True(target.IsMetBy(equal));
        Assert.False(target.IsMetBy(above));
    }

    [Fact]
    public void IsMetBy_RealBlockHashes_MeetTheirTargets()
    {
        Span<byte> hash = stackalloc byte[Target.Bytes];
        foreach (var header in new[] { KnownBlocks.Genesis(), KnownBlocks.Block125552() })
        {
            header.ComputeHash(hash);
            Assert.True(header.Target.IsMetBy(hash));
            header.WithNonce(header.Nonce + 1).ComputeHash(hash);
            Assert.False(header.Target.IsMetBy(hash));
        }
    }
}
