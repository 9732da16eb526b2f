namespace Energy.Gpu.Mining;

/// <summary>
/// Work for the GPU: a header to search (its nonce is ignored) and the share target a nonce must
/// meet to be worth reporting. A pool's job (Stratum) or a local one (the bench, a host without a pool).
/// </summary>
public sealed record MiningJob(string Id, BlockHeader Header, Target ShareTarget);
