using System.Globalization;

namespace Energy.Gpu.Workloads;

/// <summary>
/// A sequence of bf16 GEMMs a <see cref="CudaGemmLoad"/> runs over and over. For inference shapes,
/// tokens per second (equivalent) = FLOPs run per second ÷ <see cref="FlopsPerToken"/>: the tokens the
/// GEMMs actually run would have processed. Attention's score and context products, norms, activations
/// and KV-cache traffic are not run, so it is an upper bound for the model on this GPU.
/// </summary>
/// <param name="Name">For logs and the bench: <c>heater-8192</c>, <c>prefill-7B-2048</c>, <c>decode-7B-32</c>.</param>
/// <param name="Sequence">The GEMMs of one pass, in order.</param>
/// <param name="TokensPerSequence">Tokens one pass processes; 0 for the heater, which has none.</param>
public sealed record GemmWorkload(string Name, IReadOnlyList<GemmShape> Sequence, int TokensPerSequence)
{
    /// <summary>One n³ GEMM (8192³ by default): sits on the power cap, the heater and max-power load (GPU.md).</summary>
    public static GemmWorkload Heater(int n = 8192) =>
        new(string.Create(CultureInfo.InvariantCulture, $"heater-{n}"), [new GemmShape(n, n, n)], 0);

    /// <summary>Prefill: every layer's projections over <paramref name="tokens"/> prompt tokens at once (compute-bound).</summary>
    public static GemmWorkload Prefill(TransformerShape model, int tokens = 2048) => Forward(model, tokens, "prefill");

    /// <summary>Decode: one new token for each of <paramref name="batch"/> sequences per step (weight-traffic-bound).</summary>
    public static GemmWorkload Decode(TransformerShape model, int batch = 32) => Forward(model, batch, "decode");

    public long FlopsPerSequence => Sequence.Sum(g => g.Flops);

    /// <summary>FLOPs per token processed; 0 for the heater.</summary>
    public double FlopsPerToken => TokensPerSequence > 0 ? (double)FlopsPerSequence / TokensPerSequence : 0;

    /// <summary>Tokens per second equivalent of a FLOP rate; 0 for the heater.</summary>
    public double TokensPerSecond(double flopsPerSecond) => FlopsPerToken > 0 ? flopsPerSecond / FlopsPerToken : 0;

    private static GemmWorkload Forward(TransformerShape model, int tokens, string phase)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        var layer = model.LayerGemms(tokens);
        var sequence = Enumerable.Range(0, model.Layers).SelectMany(_ => layer).ToArray();
        return new GemmWorkload(string.Create(CultureInfo.InvariantCulture, $"{phase}-{model.Name}-{tokens}"), sequence, tokens);
    }
}
