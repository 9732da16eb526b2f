namespace Energy.Contracts.Sites;

/// <summary>
/// Modelled SHA-256d hash rates of datacenter GPUs, for sites that measured none (<c>hashRateGhPerGpu</c>).
/// Sources: hashcat <c>-m 1400</c> (SHA-256, one compression per candidate) gives H100 SXM ≈ 16.2 GH/s and
/// RTX 4090 ≈ 22.0 GH/s; Bitcoin's SHA-256d needs two compressions per nonce after the midstate, so about
/// half. A plain NVRTC SHA-256d kernel measured 6.7–7.0 GH/s on an H200 (the H100's GH100 die) at
/// ≈ 390 W of its 700 W limit: hashing cannot draw the whole limit. The figures are upper-end (tuned
/// kernels), so a plan that leaves SHA-256d off at them leaves it off at the measured rate too.
/// </summary>
public static class Sha256dModel
{
    private static readonly (string Model, Sha256dRate Rate)[] Models =
    [
        ("H100", new Sha256dRate(8.1, 390, "modelled: hashcat SHA-256 16.2 GH/s on H100 SXM, halved for SHA-256d; ≈ 390 W measured while hashing (H200)")),
        ("H200", new Sha256dRate(8.1, 390, "modelled: same GH100 die as the H100 (8.1 GH/s); a plain NVRTC kernel measured 6.7–7.0 GH/s at ≈ 390 W")),
        ("4090", new Sha256dRate(11.0, null, "modelled: hashcat SHA-256 22.0 GH/s on RTX 4090, halved for SHA-256d; at the pool's maximum power")),
        ("L40S", new Sha256dRate(11.0, null, "modelled: AD102 die as the RTX 4090 (11.0 GH/s SHA-256d); at the pool's maximum power")),
    ];

    /// <summary>The modelled working point of <paramref name="pool"/>'s GPU model; null for a model not listed.</summary>
    public static Sha256dRate? For(GpuPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        foreach (var (model, rate) in Models)
        {
            if (pool.GpuModel.Contains(model, StringComparison.OrdinalIgnoreCase))
            {
                return rate.PowerW is { } w && w > pool.MaxPowerPerGpu.Watts ? rate with { PowerW = pool.MaxPowerPerGpu.Watts, GhPerSecond = rate.GhPerSecond * pool.MaxPowerPerGpu.Watts / w } : rate;
            }
        }

        return null;
    }
}
