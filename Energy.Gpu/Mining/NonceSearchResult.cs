namespace Energy.Gpu.Mining;

/// <summary>What a nonce search found: every nonce whose SHA-256d met the target, re-verified.</summary>
public sealed record NonceSearchResult(IReadOnlyList<uint> Nonces, long HashesTried, TimeSpan Elapsed)
{
    public double HashesPerSecond => Elapsed > TimeSpan.Zero ? HashesTried / Elapsed.TotalSeconds : 0;
}
