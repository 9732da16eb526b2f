using Energy.Gpu.Pouw;
using Energy.TestSupport.Pouw;

namespace Energy.Scheduler.Tests.Pouw;

/// <summary>
/// Small PoUW work for tests: m = n = 32, k = 256, rank 8, 16×16 tiles (4 tiles a product), a transcript point every 64
/// k-steps, a ticket every 2 tiles on average; int8 operands from a seeded generator inside the rank's operand range.
/// </summary>
internal static class PouwTestWork
{
    public const int M = 32;
    public const int N = 32;
    public const int K = 256;
    public const double TilesPerTicket = 2;

    public static readonly PouwParameters Parameters = new(M, N, K, 8, 16, 16, 64);

    /// <summary>rows×k values in −100…100 (rank 8 leaves −120…119).</summary>
    public static sbyte[] Matrix(int seed, int rows, int k = K) => PouwTestOperands.Matrix(seed, rows, k);

    public static byte[] Root(sbyte[] matrix, int rows, int k = K) => PouwMerkle.RootOf(matrix, rows, k);

    /// <summary>
    /// Mines batches of activations (seeds from <paramref name="firstSeed"/>) under <paramref name="header"/> until at least
    /// <paramref name="count"/> tickets were found; <paramref name="log"/> is told each batch's root that gave one.
    /// </summary>
    public static List<PouwTicket> Mine(sbyte[] w, PouwHeader header, int count, Action<byte[]>? log = null, int firstSeed = 1000)
    {
        var tickets = new List<PouwTicket>();
        for (var seed = firstSeed; seed < firstSeed + 200 && tickets.Count < count; seed++)
        {
            var result = PouwCpuMiner.Mine(Matrix(seed, header.Parameters.M, header.Parameters.K), w, header);
            if (result.Tickets.Count > 0)
            {
                log?.Invoke(result.ActivationsRoot);
                tickets.AddRange(result.Tickets);
            }
        }

        Assert.True(tickets.Count >= count, $"200 batches gave {tickets.Count} tickets at 1 in {TilesPerTicket} tiles");
        return tickets;
    }
}
