namespace Energy.Gpu.Mining;

public sealed class GpuNonceSearchOptions
{
    /// <summary>
    /// Nonces per kernel launch (at most <see cref="Sha256dLaunchGeometry.MaxLaunchNonces"/>).
    /// Cancellation is seen between launches; 2^30 is about 0.13 s at 8 GH/s.
    /// </summary>
    public long LaunchNonces { get; init; } = 1L << 30;
}
