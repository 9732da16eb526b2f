namespace Energy.Gpu.Pouw;

/// <summary>The plain int8 product and the reference denoising (docs/pouw.md, "Denoising").</summary>
public static class PouwProduct
{
    /// <summary>C = A·Wᵀ for A m×k and W n×k int8, exact int32, row-major m×n.</summary>
    public static int[] Multiply(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> w, int m, int n, int k)
    {
        var c = new int[m * n];
        PouwTranscript.Gemm(a, m, w, n, k, c);
        return c;
    }

    private static int[] Transpose<T>(T[] x, int rows, int cols)
        where T : System.Numerics.IBinaryInteger<T>
    {
        var t = new int[rows * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                t[(j * rows) + i] = int.CreateTruncating(x[(i * cols) + j]);
            }
        }

        return t;
    }

    /// <summary>
    /// The exact C = A·Wᵀ from the noisy product C' = A'·W'ᵀ: C' − (A·Q_Fᵀ)·L_Fᵀ − L_E·(W'·Q_Eᵀ)ᵀ, at
    /// O((m+n)kr + mnr). <paramref name="a"/> is the clean A, <paramref name="wNoisy"/> is W'.
    /// </summary>
    public static int[] Denoise(ReadOnlySpan<int> noisyProduct, ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> wNoisy, ReadOnlySpan<byte> seedE, ReadOnlySpan<byte> seedF, in PouwParameters p)
    {
        p.Validate();
        var (m, n, k, r) = (p.M, p.N, p.K, p.Rank);
        if (noisyProduct.Length < m * n || a.Length < m * k || wNoisy.Length < n * k)
        {
            throw new ArgumentException($"Denoising {p} needs an m×n product, m×k A and n×k W'.");
        }

        var lE = new sbyte[m * r];
        var qE = new sbyte[r * k];
        var lF = new sbyte[n * r];
        var qF = new sbyte[r * k];
        PouwNoise.Factors(seedE, m, k, r, lE, qE);
        PouwNoise.Factors(seedF, n, k, r, lF, qF);

        var aq = new int[m * r];
        PouwTranscript.Gemm(a, m, qF, r, k, aq);
        var wq = new int[n * r];
        PouwTranscript.Gemm(wNoisy, n, qE, r, k, wq);

        // C[i, j] −= Σ_t aq[i, t]·L_F[j, t] + L_E[i, t]·wq[j, t]: as a rank-2r update, row by row of C.
        var c = noisyProduct[..(m * n)].ToArray();
        var lFt = Transpose(lF, n, r);
        var wqT = Transpose(wq, n, r);
        for (var i = 0; i < m; i++)
        {
            var row = c.AsSpan(i * n, n);
            for (var t = 0; t < r; t++)
            {
                var x = aq[(i * r) + t];
                var e = lE[(i * r) + t];
                var lRow = lFt.AsSpan(t * n, n);
                var wRow = wqT.AsSpan(t * n, n);
                for (var j = 0; j < n; j++)
                {
                    row[j] -= (x * lRow[j]) + (e * wRow[j]);
                }
            }
        }

        return c;
    }
}
