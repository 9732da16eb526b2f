namespace Energy.Gpu.Pouw;

/// <summary>The plain int8 product and the reference denoising (docs/pouw.md, "Denoising").</summary>
public static class PouwProduct
{
    /// <summary>C = A·Wᵀ for A m×k and W n×k int8, exact int32, row-major m×n.</summary>
    public static int[] Multiply(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> w, int m, int n, int k)
    {
        var c = new int[m * n];
        for (var i = 0; i < m; i++)
        {
            var row = a.Slice(i * k, k);
            for (var j = 0; j < n; j++)
            {
                c[(i * n) + j] = PouwTranscript.Dot(row, w.Slice(j * k, k));
            }
        }

        return c;
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
        for (var i = 0; i < m; i++)
        {
            for (var t = 0; t < r; t++)
            {
                aq[(i * r) + t] = PouwTranscript.Dot(a.Slice(i * k, k), qF.AsSpan(t * k, k));
            }
        }

        var wq = new int[n * r];
        for (var j = 0; j < n; j++)
        {
            for (var t = 0; t < r; t++)
            {
                wq[(j * r) + t] = PouwTranscript.Dot(wNoisy.Slice(j * k, k), qE.AsSpan(t * k, k));
            }
        }

        var c = noisyProduct[..(m * n)].ToArray();
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var correction = 0;
                for (var t = 0; t < r; t++)
                {
                    correction += (aq[(i * r) + t] * lF[(j * r) + t]) + (lE[(i * r) + t] * wq[(j * r) + t]);
                }

                c[(i * n) + j] -= correction;
            }
        }

        return c;
    }
}
