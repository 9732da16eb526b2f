using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Energy.Gpu.Pouw;

/// <summary>What <c>heatgrid pouw bench</c> measured (its JSON).</summary>
public sealed record PouwBenchResult(
    string Device,
    bool Simulated,
    string Note,
    PouwParameters MineShape,
    PouwParameters VerifyShape,
    double TilesPerTicket,
    double PlainSeconds,
    double PouwSeconds,
    double OverheadPct,
    double Tops,
    double PlainTops,
    int TicketsFound,
    int TicketsVerified,
    int VerifyRuns,
    double VerifyMsP50,
    double VerifyMsP99,
    bool ProductExact);

/// <summary>Bench settings (defaults sized for a 2-core machine: a few seconds).</summary>
public sealed record PouwBenchOptions
{
    /// <summary>The product mined: the same shape is multiplied plainly as the baseline.</summary>
    public PouwParameters MineShape { get; init; } = new(512, 512, 4096, 64, 16, 16, 256);

    /// <summary>The shape of the tickets timed by the verifier: one 16×16 tile, k = 4096, r = 64.</summary>
    public PouwParameters VerifyShape { get; init; } = new(64, 64, 4096, 64, 16, 16, 256);

    /// <summary>Expected tiles per ticket of the mined product.</summary>
    public double TilesPerTicket { get; init; } = 64;

    /// <summary>Verifications timed (after warm-up).</summary>
    public int VerifyRuns { get; init; } = 400;

    /// <summary>Repetitions of the plain and the PoUW product (the fastest of each counts).</summary>
    public int Repetitions { get; init; } = 3;

    public int Seed { get; init; } = 20261207;
}

/// <summary>
/// <c>heatgrid pouw bench --simulated</c>: the CPU reference on this machine. It mines one product
/// (noise, every tile's transcript and lottery, denoising) and multiplies the same operands plainly, in
/// the same process, for <c>overheadPct</c>; verifies every ticket found against a registry; and times
/// the verifier on tickets of one 16×16 tile with k = 4096 and r = 64. No GPU is involved.
/// </summary>
public static class PouwBench
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static PouwBenchResult RunCpu(PouwBenchOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var p = options.MineShape;
        p.Validate();
        options.VerifyShape.Validate();
        var random = new Random(options.Seed);
        var a = PouwGpuBench.Operand(random, p.M, p.K, p.Rank);
        var w = PouwGpuBench.Operand(random, p.N, p.K, p.Rank);
        var registry = new PouwJobRegistry();
        var registeredAt = time.GetUtcNow();
        var header = registry.Register("bench", "mine", PouwMerkle.RootOf(w, p.N, p.K), p, PouwHeader.TargetFor(options.TilesPerTicket), registeredAt);
        registry.LogActivations("bench", "mine", PouwMerkle.RootOf(a, p.M, p.K));

        var plainSeconds = double.MaxValue;
        var pouwSeconds = double.MaxValue;
        int[]? plain = null;
        PouwMineResult? mined = null;
        for (var rep = 0; rep < Math.Max(1, options.Repetitions); rep++)
        {
            var started = time.GetTimestamp();
            plain = PouwProduct.Multiply(a, w, p.M, p.N, p.K);
            plainSeconds = Math.Min(plainSeconds, time.GetElapsedTime(started).TotalSeconds);

            started = time.GetTimestamp();
            mined = PouwCpuMiner.Mine(a, w, header);
            pouwSeconds = Math.Min(pouwSeconds, time.GetElapsedTime(started).TotalSeconds);
        }

        var verifier = new PouwVerifier(registry, time);
        var verified = mined!.Tickets.Count(t => verifier.Verify(t).Accepted);
        var (p50, p99, runs) = TimeVerifier(options, time, random);
        var ops = 2.0 * p.MultiplyAdds;
        const string Note =
            "CPU reference (Energy.Gpu/Pouw), not a GPU: pouwSeconds is the whole PoUW product (roots, seeds, noise on both operands, " +
            "every tile's transcript and lottery, tickets, denoising); plainSeconds the same product without noise or transcript " +
            "(the same int8 dot product); both the fastest of the repetitions, in this process. tops counts 2·m·n·k int8 operations " +
            "of the useful product. verifyMs times PouwVerifier.Verify (registry checks, the tile's noise, 32 Merkle openings, the " +
            "16×16 tile's transcript over k = 4096) on tickets of the verify shape. Every ticket found is verified.";
        return new PouwBenchResult(
            "cpu (" + Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) + " cores, reference)", true, Note, p, options.VerifyShape, options.TilesPerTicket,
            Math.Round(plainSeconds, 4), Math.Round(pouwSeconds, 4), Math.Round(100 * ((pouwSeconds / plainSeconds) - 1), 1),
            Math.Round(ops / pouwSeconds / 1e12, 4), Math.Round(ops / plainSeconds / 1e12, 4),
            mined.Tickets.Count, verified, runs, Math.Round(p50, 4), Math.Round(p99, 4),
            plain!.AsSpan().SequenceEqual(mined.Product));
    }

    public static string ToJson(PouwBenchResult result) => JsonSerializer.Serialize(result, Json);

    /// <summary>p50 and p99 of Verify over tickets of the verify shape (every tile's ticket, easy target so all are accepted).</summary>
    private static (double P50, double P99, int Runs) TimeVerifier(PouwBenchOptions options, TimeProvider time, Random random)
    {
        var v = options.VerifyShape;
        var a = PouwGpuBench.Operand(random, v.M, v.K, v.Rank);
        var w = PouwGpuBench.Operand(random, v.N, v.K, v.Rank);
        var registry = new PouwJobRegistry();
        var header = registry.Register("bench", "verify", PouwMerkle.RootOf(w, v.N, v.K), v, PouwHeader.TargetFor(1), time.GetUtcNow());
        registry.LogActivations("bench", "verify", PouwMerkle.RootOf(a, v.M, v.K));
        var tickets = PouwCpuMiner.Mine(a, w, header).Tickets;
        var verifier = new PouwVerifier(registry, time);
        // Warm-up long enough for tiered compilation to have promoted the verifier's loops (30 calls, then a background
        // compile): otherwise the first timed runs measure the JIT.
        for (var i = 0; i < 500; i++)
        {
            Require(verifier.Verify(tickets[i % tickets.Count]));
        }

        var runs = Math.Max(10, options.VerifyRuns);
        var ms = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var started = time.GetTimestamp();
            var verdict = verifier.Verify(tickets[i % tickets.Count]);
            ms[i] = time.GetElapsedTime(started).TotalMilliseconds;
            Require(verdict);
        }

        Array.Sort(ms);
        return (Percentile(ms, 0.50), Percentile(ms, 0.99), runs);
    }

    private static void Require(PouwVerification verdict)
    {
        if (!verdict.Accepted)
        {
            throw new InvalidOperationException("The bench's own ticket was refused: " + verdict.Reason + ": " + verdict.Detail);
        }
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
