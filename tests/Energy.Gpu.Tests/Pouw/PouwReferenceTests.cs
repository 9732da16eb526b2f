using System.Security.Cryptography;
using Energy.Gpu.Pouw;

namespace Energy.Gpu.Tests.Pouw;

public sealed class PouwReferenceTests
{
    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        { 16, 16, 32, 1, 32 },
        { 32, 48, 96, 8, 32 },
        { 48, 16, 256, 64, 64 },
        { 64, 32, 512, 33, 128 },
        { 16, 64, 1024, 64, 256 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_denoised_product_is_exactly_A_times_W_transposed(int m, int n, int k, int rank, int chunk)
    {
        var random = new Random(m * 7919 + n * 31 + k + rank);
        var p = new PouwParameters(m, n, k, rank, 16, 16, chunk);
        var a = PouwFixtures.Operand(random, m, k, rank);
        var w = PouwFixtures.Operand(random, n, k, rank);
        var (_, header) = PouwFixtures.Registered(a, w, p, 4);

        var mined = PouwCpuMiner.Mine(a, w, header);

        Assert.Equal(PouwProduct.Multiply(a, w, m, n, k), mined.Product);
        Assert.Equal(p.Tiles, mined.TilesHashed);
    }

    [Fact]
    public void The_noise_changes_the_operands_and_stays_within_rank_r()
    {
        var random = new Random(5);
        var (rows, k, rank) = (32, 256, 64);
        var x = PouwFixtures.Operand(random, rows, k, rank);
        var seed = RandomNumberGenerator.GetBytes(32);
        var noisy = new sbyte[x.Length];
        PouwNoise.Add(seed, x, rows, k, rank, noisy);

        var differ = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var e = noisy[i] - x[i];
            Assert.InRange(e, -rank, rank);
            differ += e != 0 ? 1 : 0;
        }

        // Each noise entry is a sum of 64 products of ternary values (about 1/4 of them non-zero): it is 0 about 10 % of the time.
        Assert.InRange(differ, x.Length * 7 / 10, x.Length);

        // L·Q from the factors is the same noise.
        var left = new sbyte[rows * rank];
        var right = new sbyte[rank * k];
        PouwNoise.Factors(seed, rows, k, rank, left, right);
        for (var i = 0; i < rows; i += 7)
        {
            for (var l = 0; l < k; l += 13)
            {
                var sum = 0;
                for (var t = 0; t < rank; t++)
                {
                    sum += left[(i * rank) + t] * right[(t * k) + l];
                }

                Assert.Equal(sum, noisy[(i * k) + l] - x[(i * k) + l]);
            }
        }
    }

    [Fact]
    public void Noise_entries_are_ternary_with_the_documented_bit_layout()
    {
        var seed = new byte[32];
        seed[0] = 1;
        var (l0, l1) = (PouwHashing.Word(seed, 0), PouwHashing.Word(seed, 1));
        var counts = new int[3];
        for (var f = 0; f < 16_000; f++)
        {
            var word = PouwHashing.Mix32(unchecked(PouwHashing.Mix32(((uint)f >> 4) ^ l0) + l1));
            var b = 2 * (f & 15);
            var expected = (int)((word >> b) & 1) - (int)((word >> (b + 1)) & 1);
            var e = PouwNoise.Entry(l0, l1, f);
            Assert.Equal(expected, e);
            counts[e + 1]++;
        }

        // −1, 0, +1 with probabilities 1/4, 1/2, 1/4.
        Assert.InRange(counts[0], 3_700, 4_300);
        Assert.InRange(counts[1], 7_600, 8_400);
        Assert.InRange(counts[2], 3_700, 4_300);
    }

    [Fact]
    public void Mix32_is_the_lowbias32_finalizer()
    {
        // Worked by hand from the definition: x = 1.
        uint x = 1;
        x ^= x >> 16;
        x = unchecked(x * 0x7feb352du);
        x ^= x >> 15;
        x = unchecked(x * 0x846ca68bu);
        x ^= x >> 16;
        Assert.Equal(x, PouwHashing.Mix32(1));
        Assert.Equal(0u, PouwHashing.Mix32(0));
        Assert.NotEqual(PouwHashing.Mix32(2), PouwHashing.Mix32(3));
    }

    [Fact]
    public void Transcripts_are_deterministic_and_depend_on_every_partial_sum()
    {
        var random = new Random(11);
        var p = new PouwParameters(16, 16, 256, 8, 16, 16, 64);
        var a = PouwFixtures.Operand(random, 16, 256, 8);
        var w = PouwFixtures.Operand(random, 16, 256, 8);
        var key = RandomNumberGenerator.GetBytes(32);
        var first = new uint[p.Points];
        var second = new uint[p.Points];
        PouwTranscript.PointDigests(a, w, p, key, 0, 0, first);
        PouwTranscript.PointDigests(a, w, p, key, 0, 0, second);
        Assert.Equal(first, second);

        // One value changed in the third chunk changes the digests from the third point on, not before.
        var changed = (sbyte[])a.Clone();
        changed[(5 * 256) + 140] ^= 1;
        var third = new uint[p.Points];
        PouwTranscript.PointDigests(changed, w, p, key, 0, 0, third);
        Assert.Equal(first[..2], third[..2]);
        Assert.NotEqual(first[2], third[2]);
        Assert.NotEqual(first[3], third[3]);

        // Another tile position or key: other digests.
        var other = new uint[p.Points];
        PouwTranscript.PointDigests(a, w, p, key, 0, 1, other);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Transcript_digests_follow_the_documented_formula()
    {
        var random = new Random(3);
        var p = new PouwParameters(8, 8, 64, 4, 8, 8, 32);
        var a = PouwFixtures.Operand(random, 8, 64, 4);
        var w = PouwFixtures.Operand(random, 8, 64, 4);
        var key = RandomNumberGenerator.GetBytes(32);
        var digests = new uint[2];
        PouwTranscript.PointDigests(a, w, p, key, 3, 5, digests);

        var (t0, t1) = (PouwHashing.Word(key, 0), PouwHashing.Word(key, 1));
        var tileWord = PouwHashing.Mix32(unchecked(PouwHashing.Mix32(PouwHashing.Mix32(3u ^ t0) + 5u) ^ t1));
        var expected = new uint[2];
        for (var i = 0; i < 8; i++)
        {
            for (var j = 0; j < 8; j++)
            {
                var partial = 0;
                for (var c = 1; c <= 2; c++)
                {
                    for (var l = (c - 1) * 32; l < c * 32; l++)
                    {
                        partial += a[(i * 64) + l] * w[(j * 64) + l];
                    }

                    var e = (uint)((i * 8) + j);
                    expected[c - 1] = unchecked(expected[c - 1] + PouwHashing.Mix32((uint)partial ^ (tileWord + (e * 0x9E3779B9u) + ((uint)c * 0x85EBCA6Bu))));
                }
            }
        }

        Assert.Equal(expected, digests);
    }

    [Fact]
    public void SHA256_is_FIPS_180_4_on_the_published_vectors()
    {
        // FIPS 180-4 examples (NIST CSRC): "abc" and the 448-bit message.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(SHA256.HashData("abc"u8)));
        Assert.Equal("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            Convert.ToHexStringLower(SHA256.HashData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"u8)));
    }

    [Fact]
    public void Parameters_out_of_bounds_are_named()
    {
        Assert.Null(PouwParameters.Default(64, 64, 4096).Check());
        Assert.Contains("rank", new PouwParameters(16, 16, 64, 65, 16, 16, 32).Check());
        Assert.Contains("rank", new PouwParameters(16, 16, 64, 0, 16, 16, 32).Check());
        Assert.Contains("tile", new PouwParameters(16, 16, 64, 8, 12, 16, 32).Check());
        Assert.Contains("multiple of tileH", new PouwParameters(24, 16, 64, 8, 16, 16, 32).Check());
        Assert.Contains("chunk", new PouwParameters(16, 16, 96, 8, 16, 16, 64).Check());
        Assert.Contains("k must", new PouwParameters(16, 16, 100, 8, 16, 16, 32).Check());
        Assert.Contains("points", new PouwParameters(16, 16, 65_536, 8, 16, 16, 32).Check());
        Assert.Throws<ArgumentException>(() => new PouwParameters(16, 16, 64, 8, 16, 16, 48).Validate());
    }

    [Fact]
    public void Operands_outside_the_range_the_noise_leaves_are_refused()
    {
        var p = new PouwParameters(16, 16, 64, 64, 16, 16, 32);
        var random = new Random(2);
        var a = PouwFixtures.Operand(random, 16, 64, 64);
        var w = PouwFixtures.Operand(random, 16, 64, 64);
        var (_, header) = PouwFixtures.Registered(a, w, p, 2);
        a[17] = 64;
        var e = Assert.Throws<ArgumentException>(() => PouwCpuMiner.Mine(a, w, header));
        Assert.Contains("-64..63", e.Message);
    }

    [Fact]
    public void The_target_for_a_rate_and_the_rate_of_a_target_agree()
    {
        foreach (var rate in new[] { 1.0, 2, 8, 1000, 1e12 })
        {
            Assert.Equal(rate, PouwHeader.TilesPerTicket(PouwHeader.TargetFor(rate)), rate * 1e-9);
        }

        Assert.All(PouwHeader.TargetFor(1), b => Assert.Equal(0xff, b));
    }
}
