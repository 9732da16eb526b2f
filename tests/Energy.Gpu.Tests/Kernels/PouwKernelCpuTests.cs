using Energy.Gpu.Pouw;
using Energy.TestSupport.Tools;

namespace Energy.Gpu.Tests.Kernels;

/// <summary>
/// The CUDA C of Kernels/pouw.cu, built with gcc through the warp shim and run on the CPU, against the
/// C# reference (Energy.Gpu/Pouw): the noisy operands, C', every tile's point digests, the winners and
/// the denoised product must be bit for bit the reference's.
/// </summary>
public sealed class PouwKernelCpuTests(PouwCpuHarness harness) : IClassFixture<PouwCpuHarness>
{
    // A quarter of all tiles win (hash < 0x40ff…ff), so every shape with a few tiles has winners and losers.
    private static readonly byte[] QuarterTarget = [0x40, .. Enumerable.Repeat((byte)0xff, 31)];

    // (16, 16, 32768, 64, 32) has the most transcript points the format allows (1,024: a 4,149-byte
    // tile message); (48, 16, 64, 8, 64) has one point, so the length padding takes a second block.
    // The fused denoising's planes: two up to k = 224, three from k = 256, four at k = 65,536; r = 24
    // and 40 leave plane rows with padding (2r not a multiple of 32) and n8 tiles past r.
    [RequiresGccTheory]
    [InlineData(16, 16, 64, 1, 32)]
    [InlineData(16, 48, 256, 64, 256)]
    [InlineData(48, 16, 64, 8, 64)]
    [InlineData(48, 64, 256, 8, 64)]
    [InlineData(64, 48, 1024, 64, 256)]
    [InlineData(64, 64, 1024, 1, 32)]
    [InlineData(64, 16, 256, 64, 32)]
    [InlineData(16, 16, 32768, 64, 32)]
    [InlineData(32, 16, 224, 64, 32)]
    [InlineData(16, 32, 256, 24, 64)]
    [InlineData(80, 16, 512, 40, 128)]
    [InlineData(16, 16, 65536, 64, 64)]
    public void Kernels_MatchTheReferenceBitForBit(int m, int n, int k, int rank, int chunk)
    {
        var p = new PouwParameters(m, n, k, rank, 16, 16, chunk);
        var input = Input(p, QuarterTarget, capacity: 1_000, seed: (m * 31) + (n * 7) + k + rank + chunk);

        var run = harness.Run(input);

        var aNoisy = new sbyte[m * k];
        var wNoisy = new sbyte[n * k];
        PouwNoise.Add(input.SeedE, input.A, m, k, rank, aNoisy);
        PouwNoise.Add(input.SeedF, input.W, n, k, rank, wNoisy);
        Assert.Equal(aNoisy, run.ANoisy);
        Assert.Equal(wNoisy, run.WNoisy);
        Assert.Equal(PouwProduct.Multiply(aNoisy, wNoisy, m, n, k), run.NoisyProduct);
        Assert.Equal(p.Points, run.Points);

        var expected = new List<PouwKernelWinner>();
        var digests = new uint[p.Points];
        var hash = new byte[32];
        for (var ti = 0; ti < p.TileRows; ti++)
        {
            for (var tj = 0; tj < p.TileCols; tj++)
            {
                PouwTranscript.PointDigests(aNoisy.AsSpan(ti * 16 * k, 16 * k), wNoisy.AsSpan(tj * 16 * k, 16 * k), p, input.TicketKey, ti, tj, digests);
                Assert.Equal(digests, run.Digests.AsSpan(((ti * p.TileCols) + tj) * p.Points, p.Points).ToArray());
                PouwTranscript.TileHash(input.TicketKey, ti, tj, digests, hash);
                if (PouwTranscript.MeetsTarget(hash, input.Target))
                {
                    expected.Add(new PouwKernelWinner(ti, tj, hash.ToArray()));
                }
            }
        }

        Assert.Equal(expected.Count, (int)run.WinnerCount);
        Assert.Equal(Describe(expected), Describe(run.Winners));
        Assert.Equal(PouwProduct.Denoise(run.NoisyProduct, input.A, run.WNoisy, input.SeedE, input.SeedF, p), run.Product);
        Assert.Equal(PouwProduct.Multiply(input.A, input.W, m, n, k), run.Product);
    }

    [RequiresGccTheory]
    [InlineData(4096)]
    [InlineData(65536)]
    public void AlignedOperands_LargeProjectionsOfBothSigns_StillGiveTheExactProduct(int k)
    {
        // Rows of A and W built from Q_F and Q_E's signs make U and V near ±64·(number of nonzero Q entries),
        // about ±2^21 at k = 65,536: every plane carries, the top one included.
        var p = new PouwParameters(32, 32, k, 64, 16, 16, k / 64);
        var input = Input(p, QuarterTarget, capacity: 1_000, seed: k);
        var host = CudaPouwKernelParameters.Create(p, input.SeedE, input.SeedF, input.TicketKey, input.Target);
        for (var row = 0; row < 4; row++)
        {
            for (var l = 0; l < k; l++)
            {
                var sign = row % 2 == 0 ? 1 : -1;
                var qf = PouwNoise.Entry(host.SeedFWords[2], host.SeedFWords[3], (row * k) + l);
                var qe = PouwNoise.Entry(host.SeedEWords[2], host.SeedEWords[3], (row * k) + l);
                input.A[(row * k) + l] = (sbyte)(sign * qf * (sign > 0 ? p.OperandMax : -p.OperandMin));
                input.W[(row * k) + l] = (sbyte)(-sign * qe * (sign > 0 ? -p.OperandMin : p.OperandMax));
            }
        }

        var run = harness.Run(input);

        var aNoisy = new sbyte[p.M * k];
        var wNoisy = new sbyte[p.N * k];
        PouwNoise.Add(input.SeedE, input.A, p.M, k, p.Rank, aNoisy);
        PouwNoise.Add(input.SeedF, input.W, p.N, k, p.Rank, wNoisy);
        Assert.Equal(PouwProduct.Multiply(aNoisy, wNoisy, p.M, p.N, k), run.NoisyProduct);
        Assert.Equal(PouwProduct.Multiply(input.A, input.W, p.M, p.N, k), run.Product);
        Assert.InRange(Math.Abs(Project(input.A, 0, k, host.SeedFWords)), k / 4 * 63, k * 64);
        Assert.InRange(Math.Abs(Project(wNoisy, 1, k, host.SeedEWords)), k / 4 * 60, k * 128);
    }

    // Row `row` of x times row `row` of the Q keyed by seed words s2, s3.
    private static long Project(sbyte[] x, int row, int k, IReadOnlyList<uint> seed)
    {
        var sum = 0L;
        for (var l = 0; l < k; l++)
        {
            sum += x[(row * k) + l] * PouwNoise.Entry(seed[2], seed[3], (row * k) + l);
        }

        return sum;
    }

    [RequiresGccFact]
    public void Kernels_SomeShapesHaveBothWinnersAndLosers()
    {
        // The theory above compares winners; this makes sure the comparison is not vacuous.
        var p = new PouwParameters(64, 64, 256, 8, 16, 16, 64);

        var run = harness.Run(Input(p, QuarterTarget, capacity: 1_000, seed: 5));

        Assert.InRange(run.WinnerCount, 1u, (uint)p.Tiles - 1);
    }

    [RequiresGccFact]
    public void PlainGemm_SameProductNoTranscript()
    {
        var p = new PouwParameters(48, 64, 256, 64, 16, 16, 64);
        var input = Input(p, QuarterTarget, capacity: 1_000, seed: 11);

        var transcript = harness.Run(input);
        var plain = harness.Run(input, PouwKernelBuild.Plain);

        Assert.Equal(transcript.NoisyProduct, plain.NoisyProduct);
        Assert.Equal(transcript.Product, plain.Product);
        Assert.All(plain.Digests, d => Assert.Equal(0u, d));
        Assert.Equal(0u, plain.WinnerCount);
        Assert.NotEqual(0u, transcript.WinnerCount);
    }

    [RequiresGccFact]
    public void EightWarpBlocks_SameResultsAsFourWarpBlocks()
    {
        // 4×2 warps per block: blocks of 64×32 overhang m = 48 and n = 48 by whole tiles.
        var p = new PouwParameters(48, 48, 256, 64, 16, 16, 64);
        var input = Input(p, QuarterTarget, capacity: 1_000, seed: 21);

        var four = harness.Run(input);
        var eight = harness.Run(input, PouwKernelBuild.EightWarps);

        Assert.Equal(four.NoisyProduct, eight.NoisyProduct);
        Assert.Equal(four.Digests, eight.Digests);
        Assert.Equal(Describe(four.Winners), Describe(eight.Winners));
        Assert.Equal(PouwProduct.Multiply(input.A, input.W, p.M, p.N, p.K), eight.Product);
    }

    [RequiresGccFact]
    public void Winners_CountAllButKeepOnlyCapacity()
    {
        // Target 2^256 − 1: every tile wins; room for two.
        var p = new PouwParameters(48, 48, 64, 8, 16, 16, 32);
        var input = Input(p, [.. Enumerable.Repeat((byte)0xff, 32)], capacity: 2, seed: 3);

        var run = harness.Run(input);

        Assert.Equal((uint)p.Tiles, run.WinnerCount);
        Assert.Equal(2, run.Winners.Count);
        var digests = new uint[p.Points];
        var hash = new byte[32];
        foreach (var winner in run.Winners)
        {
            PouwTranscript.PointDigests(run.ANoisy.AsSpan(winner.Ti * 16 * p.K, 16 * p.K), run.WNoisy.AsSpan(winner.Tj * 16 * p.K, 16 * p.K), p, input.TicketKey, winner.Ti, winner.Tj, digests);
            PouwTranscript.TileHash(input.TicketKey, winner.Ti, winner.Tj, digests, hash);
            Assert.Equal(hash, winner.Hash);
        }
    }

    [RequiresGccFact]
    public void Winners_TargetAtAHashWins_OneBelowLoses()
    {
        // The ≤ comparison at its edge: a target equal to the lower of two tiles' hashes lets that tile win, one less lets none.
        var p = new PouwParameters(32, 16, 64, 4, 16, 16, 32);
        var input = Input(p, QuarterTarget, capacity: 10, seed: 8);
        var probe = harness.Run(input);
        var hashes = new List<byte[]>();
        var digests = new uint[p.Points];
        for (var ti = 0; ti < 2; ti++)
        {
            var hash = new byte[32];
            PouwTranscript.PointDigests(probe.ANoisy.AsSpan(ti * 16 * p.K, 16 * p.K), probe.WNoisy.AsSpan(0, 16 * p.K), p, input.TicketKey, ti, 0, digests);
            PouwTranscript.TileHash(input.TicketKey, ti, 0, digests, hash);
            hashes.Add(hash);
        }

        var lowerTile = hashes[0].AsSpan().SequenceCompareTo(hashes[1]) <= 0 ? 0 : 1;
        var lower = hashes[lowerTile];

        var atTarget = harness.Run(input with { Target = lower });
        var belowTarget = harness.Run(input with { Target = Decrement(lower) });

        Assert.Equal([lowerTile], atTarget.Winners.Select(w => w.Ti));
        Assert.Empty(belowTarget.Winners);
        Assert.Equal(0u, belowTarget.WinnerCount);
    }

    private static byte[] Decrement(byte[] value)
    {
        var result = value.ToArray();
        for (var i = result.Length - 1; i >= 0; i--)
        {
            if (result[i]-- != 0)
            {
                break;
            }
        }

        return result;
    }

    private static IEnumerable<string> Describe(IEnumerable<PouwKernelWinner> winners) =>
        winners.Select(w => $"{w.Ti},{w.Tj}:{Convert.ToHexString(w.Hash)}").Order(StringComparer.Ordinal);

    private static PouwKernelInput Input(PouwParameters p, byte[] target, int capacity, int seed)
    {
        var random = new Random(seed);
        sbyte[] Operand(int rows)
        {
            var values = new sbyte[rows * p.K];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (sbyte)random.Next(p.OperandMin, p.OperandMax + 1);
            }

            return values;
        }

        byte[] Bytes()
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            return bytes;
        }

        var a = Operand(p.M);
        var w = Operand(p.N);
        return new PouwKernelInput(p, a, w, Bytes(), Bytes(), Bytes(), target, capacity);
    }
}
