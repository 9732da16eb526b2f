namespace Energy.Gpu.Workloads;

/// <summary>
/// The dense projections of a decoder-only transformer, per layer: QKV (hidden → 3·hidden), attention
/// output (hidden → hidden), gate and up together (hidden → 2·ffn), down (ffn → hidden). These GEMMs
/// hold nearly all of a forward pass's FLOPs at short context.
/// </summary>
public sealed record TransformerShape(string Name, int Hidden, int Ffn, int Layers)
{
    /// <summary>A 7B-class model (Llama 2 7B's sizes): hidden 4096, FFN 11008, 32 layers.</summary>
    public static TransformerShape SevenB { get; } = new("7B", 4096, 11008, 32);

    /// <summary>The four projections of one layer for <paramref name="tokens"/> tokens, as cuBLAS shapes.</summary>
    public IReadOnlyList<GemmShape> LayerGemms(int tokens) =>
    [
        new(3 * Hidden, tokens, Hidden),
        new(Hidden, tokens, Hidden),
        new(2 * Ffn, tokens, Hidden),
        new(Hidden, tokens, Ffn),
    ];

    /// <summary>
    /// FLOPs of these GEMMs per token: 2 · layers · hidden · (3·hidden + hidden + 2·ffn + ffn)
    /// = 2 × (weights in the projections); 12.95 GFLOP for <see cref="SevenB"/>.
    /// </summary>
    public long FlopsPerToken => checked(2L * Layers * Hidden * ((4L * Hidden) + (3L * Ffn)));
}
