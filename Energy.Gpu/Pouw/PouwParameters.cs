using System.Globalization;

namespace Energy.Gpu.Pouw;

/// <summary>
/// The shape and lottery parameters of one PoUW job (docs/pouw.md, "Parameters"): the product
/// <c>C = A·Wᵀ</c> of an m×k and an n×k int8 matrix, noise of rank <see cref="Rank"/>, hash tiles of
/// <see cref="TileH"/>×<see cref="TileW"/> and a transcript point after every <see cref="Chunk"/> k-steps.
/// </summary>
public readonly record struct PouwParameters(int M, int N, int K, int Rank, int TileH, int TileW, int Chunk)
{
    public const int MaxRows = 65_536;
    public const int MaxK = 65_536;
    public const int MaxRank = 64;
    public const int MaxPoints = 1_024;
    public const int KStep = 32;

    /// <summary>Transcript points per tile: K / Chunk.</summary>
    public int Points => Chunk > 0 ? K / Chunk : 0;

    /// <summary>Hash tiles down the rows of A.</summary>
    public int TileRows => TileH > 0 ? M / TileH : 0;

    /// <summary>Hash tiles across the rows of W.</summary>
    public int TileCols => TileW > 0 ? N / TileW : 0;

    /// <summary>Every hash tile of the product: TileRows × TileCols.</summary>
    public long Tiles => (long)TileRows * TileCols;

    /// <summary>Multiply-adds of the useful product, m·n·k.</summary>
    public long MultiplyAdds => (long)M * N * K;

    /// <summary>Multiply-adds one tile costs a verifier (and a miner), TileH·TileW·K.</summary>
    public long TileMultiplyAdds => (long)TileH * TileW * K;

    /// <summary>The smallest operand value the noise leaves room for: −(128 − r).</summary>
    public int OperandMin => -(128 - Rank);

    /// <summary>The largest operand value the noise leaves room for: 127 − r.</summary>
    public int OperandMax => 127 - Rank;

    /// <summary>The common shape: 16×16 tiles, rank 64, a point every 256 k-steps (fewer when k is short).</summary>
    public static PouwParameters Default(int m, int n, int k) => new(m, n, k, 64, 16, 16, Math.Min(256, Math.Max(KStep, k)));

    /// <summary>Null when every parameter is within its bound, else what is wrong (for people).</summary>
    public string? Check()
    {
        if (M < 1 || M > MaxRows || N < 1 || N > MaxRows)
        {
            return Invariant($"m and n must be within 1..{MaxRows} (m = {M}, n = {N})");
        }

        if (K < KStep || K > MaxK || K % KStep != 0)
        {
            return Invariant($"k must be a multiple of {KStep} within {KStep}..{MaxK} (k = {K})");
        }

        if (Rank < 1 || Rank > MaxRank)
        {
            return Invariant($"the noise rank r must be within 1..{MaxRank} (r = {Rank})");
        }

        if (!IsTileSide(TileH) || !IsTileSide(TileW))
        {
            return Invariant($"tile sides must be 8, 16 or 32 (tile {TileH}×{TileW})");
        }

        if (M % TileH != 0 || N % TileW != 0)
        {
            return Invariant($"m must be a multiple of tileH and n of tileW (m = {M}, n = {N}, tile {TileH}×{TileW})");
        }

        if (Chunk < KStep || Chunk % KStep != 0 || K % Chunk != 0)
        {
            return Invariant($"chunk must be a multiple of {KStep} that divides k (chunk = {Chunk}, k = {K})");
        }

        return K / Chunk > MaxPoints ? Invariant($"k/chunk must be at most {MaxPoints} transcript points (k = {K}, chunk = {Chunk})") : null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with <see cref="Check"/>'s reason when a parameter is out of bounds.</summary>
    public void Validate()
    {
        if (Check() is { } problem)
        {
            throw new ArgumentException("PoUW parameters out of bounds: " + problem + ".");
        }
    }

    public override string ToString() => Invariant($"m={M} n={N} k={K} r={Rank} tile={TileH}x{TileW} chunk={Chunk}");

    private static bool IsTileSide(int side) => side is 8 or 16 or 32;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
