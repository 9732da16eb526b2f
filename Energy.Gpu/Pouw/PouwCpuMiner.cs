namespace Energy.Gpu.Pouw;

/// <summary>What mining one product gave: the exact product, the winning tickets, the work.</summary>
public sealed record PouwMineResult(int[] Product, IReadOnlyList<PouwTicket> Tickets, long TilesHashed, byte[] ActivationsRoot, long MultiplyAdds);

/// <summary>
/// The CPU reference miner: the whole of docs/pouw.md for one batch — roots, seeds, noisy operands,
/// every tile's transcript and lottery, tickets for the winners, and the denoised exact product.
/// It is the reference the CUDA kernel is held to and the miner of the simulated bench and the demo.
/// </summary>
public static class PouwCpuMiner
{
    /// <summary>Mines C = A·Wᵀ under a header. Throws <see cref="ArgumentException"/> when an operand is out of range or W is not the header's weights.</summary>
    public static PouwMineResult Mine(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> w, PouwHeader header, PouwMerkle? weightsTree = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        var p = header.Parameters;
        p.Validate();
        var (m, n, k) = (p.M, p.N, p.K);
        if (a.Length != m * k || w.Length != n * k)
        {
            throw new ArgumentException($"{p} needs A of {m}×{k} and W of {n}×{k} values (given {a.Length} and {w.Length}).");
        }

        CheckRange(a, p, "A");
        CheckRange(w, p, "W");
        var wTree = weightsTree ?? PouwMerkle.Build(w, n, k);
        if (!wTree.Root.AsSpan().SequenceEqual(header.WeightsRoot))
        {
            throw new ArgumentException("W is not the header's weights: its Merkle root differs from weightsRoot.", nameof(w));
        }

        var aTree = PouwMerkle.Build(a, m, k);
        var seedE = header.SeedE(aTree.Root);
        var seedF = header.SeedF();
        var aNoisy = new sbyte[m * k];
        var wNoisy = new sbyte[n * k];
        PouwNoise.Add(seedE, a, m, k, p.Rank, aNoisy);
        PouwNoise.Add(seedF, w, n, k, p.Rank, wNoisy);

        var ticketKey = PouwHashing.TicketKey(seedE, seedF);
        var noisyProduct = new int[m * n];
        var digests = new uint[p.Points];
        var hash = new byte[PouwHashing.HashBytes];
        var tickets = new List<PouwTicket>();
        var aWide = PouwTranscript.Widen(aNoisy);
        var wWide = PouwTranscript.Widen(wNoisy);
        for (var ti = 0; ti < p.TileRows; ti++)
        {
            var aRows = aNoisy.AsSpan(ti * p.TileH * k, p.TileH * k);
            for (var tj = 0; tj < p.TileCols; tj++)
            {
                var wRows = wNoisy.AsSpan(tj * p.TileW * k, p.TileW * k);
                PouwTranscript.PointDigestsWide(aWide.AsSpan(ti * p.TileH * k, p.TileH * k), wWide.AsSpan(tj * p.TileW * k, p.TileW * k), p,
                    PouwTranscript.TileWord(ticketKey, ti, tj), digests, noisyProduct.AsSpan((ti * p.TileH * n) + (tj * p.TileW)), n);
                PouwTranscript.TileHash(ticketKey, ti, tj, digests, hash);
                if (PouwTranscript.MeetsTarget(hash, header.Target))
                {
                    tickets.Add(Ticket(header, aTree, wTree, ti, tj, aRows, wRows, seedE, seedF, hash.ToArray()));
                }
            }
        }

        var product = PouwProduct.Denoise(noisyProduct, a, wNoisy, seedE, seedF, p);
        return new PouwMineResult(product, tickets, p.Tiles, aTree.Root, p.MultiplyAdds);
    }

    /// <summary>
    /// The ticket of tile (ti, tj) whether or not it wins: for benches of the verifier and for tests of
    /// its refusals. Mining is <see cref="Mine"/>.
    /// </summary>
    public static PouwTicket TicketFor(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> w, PouwHeader header, int ti, int tj)
    {
        ArgumentNullException.ThrowIfNull(header);
        var p = header.Parameters;
        p.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(ti);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ti, p.TileRows);
        ArgumentOutOfRangeException.ThrowIfNegative(tj);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tj, p.TileCols);
        var aTree = PouwMerkle.Build(a, p.M, p.K);
        var wTree = PouwMerkle.Build(w, p.N, p.K);
        var seedE = header.SeedE(aTree.Root);
        var seedF = header.SeedF();
        var aRows = new sbyte[p.TileH * p.K];
        var wRows = new sbyte[p.TileW * p.K];
        PouwNoise.TryApply(seedE, ti * p.TileH, p.TileH, p.K, p.Rank, a.Slice(ti * p.TileH * p.K, aRows.Length), aRows, subtract: false, out _);
        PouwNoise.TryApply(seedF, tj * p.TileW, p.TileW, p.K, p.Rank, w.Slice(tj * p.TileW * p.K, wRows.Length), wRows, subtract: false, out _);
        var ticketKey = PouwHashing.TicketKey(seedE, seedF);
        var digests = new uint[p.Points];
        var hash = new byte[PouwHashing.HashBytes];
        PouwTranscript.PointDigests(aRows, wRows, p, ticketKey, ti, tj, digests);
        PouwTranscript.TileHash(ticketKey, ti, tj, digests, hash);
        return Ticket(header, aTree, wTree, ti, tj, aRows, wRows, seedE, seedF, hash);
    }

    private static PouwTicket Ticket(PouwHeader header, PouwMerkle aTree, PouwMerkle wTree, int ti, int tj, ReadOnlySpan<sbyte> aRows, ReadOnlySpan<sbyte> wRows, byte[] seedE, byte[] seedF, byte[] hash)
    {
        var p = header.Parameters;
        return new PouwTicket(
            header, aTree.Root, ti, tj,
            aRows.ToArray(), [.. Enumerable.Range(ti * p.TileH, p.TileH).Select(aTree.Opening)],
            wRows.ToArray(), [.. Enumerable.Range(tj * p.TileW, p.TileW).Select(wTree.Opening)],
            seedE, seedF, hash);
    }

    /// <summary>Throws when a value is outside the operand range the rank leaves (−(128−r) … 127−r).</summary>
    public static void CheckRange(ReadOnlySpan<sbyte> x, in PouwParameters p, string name)
    {
        for (var i = 0; i < x.Length; i++)
        {
            if (x[i] < p.OperandMin || x[i] > p.OperandMax)
            {
                throw new ArgumentException($"{name}[{i}] = {x[i]} is outside {p.OperandMin}..{p.OperandMax}, the range rank-{p.Rank} noise leaves for int8 operands.", name);
            }
        }
    }
}
