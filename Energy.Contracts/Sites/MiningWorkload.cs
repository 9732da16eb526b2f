using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>
/// Mining (classic proof of work, or proof of useful work): paid per unit of work, which costs
/// <see cref="JoulesPerUnit"/> of GPU energy.
/// </summary>
/// <param name="Unit">The unit of work, e.g. "TH" (10^12 hashes) or "PoUW-ticket".</param>
/// <param name="JoulesPerUnit">GPU energy per unit of work at the pool's working point.</param>
/// <param name="RevenuePerUnit">What a unit of work earns.</param>
public sealed record MiningWorkload(
    string Name,
    IReadOnlyList<string> Pools,
    string Unit,
    double JoulesPerUnit,
    Money RevenuePerUnit) : Workload(Name, Pools)
{
    private const double JoulesPerMegawattHour = 3.6e9;

    public override WorkloadKind Kind => WorkloadKind.Mining;

    /// <summary>Revenue per MWh of GPU energy spent mining: comparable with the price of power.</summary>
    public EnergyPrice ValuePerMwh => EnergyPrice.PerMwh(RevenuePerUnit.Amount * JoulesPerMegawattHour / JoulesPerUnit, RevenuePerUnit.Currency);

    /// <summary>The least a MWh of GPU energy must earn for mining to run (<see cref="MinValuePerMwh"/>) unless the site file says.</summary>
    public const double DefaultMinValuePerMwh = 1.0;

    /// <summary>
    /// <c>minValuePerMwh</c>: mining runs only in slots where it earns at least this per MWh of GPU energy (site
    /// currency; default 1). Below it the revenue is noise against the price of power (GPU SHA-256d earns ~0.05 per MWh
    /// at 2024 hashprices): the GPUs are left to the heater, other work or idle, and no hashes are sold as a heater's by-product.
    /// </summary>
    public double MinValuePerMwh { get; init; } = DefaultMinValuePerMwh;

    /// <summary>Whether mining earning <paramref name="valuePerMwh"/> per MWh of GPU energy may run.</summary>
    public bool Runs(double valuePerMwh) => valuePerMwh >= MinValuePerMwh;

    /// <summary>What the GPUs compute: a unit of work valued by the fields above (a ticket), or Bitcoin's SHA-256d.</summary>
    public MiningAlgorithm Algorithm { get; init; } = MiningAlgorithm.WorkUnit;

    /// <summary>
    /// SHA-256d hash rate and power per GPU by pool name, as the site file gives them (<c>hashRateGhPerGpu</c>,
    /// <c>hashPowerW</c>, per pool under <c>hashRates</c>); a pool not listed uses <see cref="HashRateForAllPools"/>,
    /// else the modelled rate of its GPU model (<see cref="Sha256dModel"/>).
    /// </summary>
    public IReadOnlyDictionary<string, Sha256dRate> HashRates { get; init; } = new Dictionary<string, Sha256dRate>(StringComparer.Ordinal);

    /// <summary>The site file's <c>hashRateGhPerGpu</c> / <c>hashPowerW</c> for every pool not in <see cref="HashRates"/>; null: modelled.</summary>
    public Sha256dRate? HashRateForAllPools { get; init; }

    /// <summary>
    /// A CSV series of what the work earns (<c>hashprice_&lt;cur&gt;_per_th_day</c> or <c>value_&lt;cur&gt;_per_mwh</c>),
    /// the path resolved against the site file's folder; null: the constant <see cref="ValuePerMwh"/>.
    /// </summary>
    public string? ValueSeries { get; init; }

    /// <summary>Site currency per unit of <see cref="ValueSeries"/>' currency (<c>valueFx</c>); null: the series must be in the site currency.</summary>
    public double? ValueFx { get; init; }

    /// <summary>The Stratum pool whose jobs the GPUs hash and to which shares go; null: none configured.</summary>
    public MiningPoolAccount? Pool { get; init; }

    /// <summary>
    /// SHA-256d without a pool: shares are found and counted but sent nowhere, so the work earns nothing
    /// and the live planner values it at zero.
    /// </summary>
    public bool EarnsNothing => Algorithm == MiningAlgorithm.Sha256d && Pool is null;

    /// <summary>The SHA-256d working point of a GPU of <paramref name="pool"/>: the site file's, else the model's; null when neither knows the GPU.</summary>
    public Sha256dRate? HashRateOn(GpuPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return HashRates.TryGetValue(pool.Name, out var rate) ? rate
            : HashRateForAllPools is { } all ? all with { PowerW = all.PowerW ?? Sha256dModel.For(pool)?.PowerW ?? pool.MaxPowerPerGpu.Watts }
            : Sha256dModel.For(pool);
    }
}

/// <summary>What a mining workload computes.</summary>
public enum MiningAlgorithm
{
    /// <summary>A unit of work with a price of its own (e.g. a proof-of-useful-work ticket).</summary>
    WorkUnit,

    /// <summary>Bitcoin's double SHA-256, paid by hashprice (revenue per TH/s per day) through a pool.</summary>
    Sha256d,
}

/// <summary>A Stratum v1 pool account: <c>pool</c> (stratum+tcp://HOST:PORT), <c>worker</c> and the environment variable holding the password.</summary>
public sealed record MiningPoolAccount(string Url, string Worker, string? PasswordEnv)
{
    /// <summary>The password from <see cref="PasswordEnv"/>; "x" (what pools expect when they ignore it) when none is named or it is unset.</summary>
    public string Password(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return PasswordEnv is { } name && environment(name) is { Length: > 0 } value ? value : "x";
    }
}

/// <summary>A GPU's SHA-256d working point: hash rate (GH/s) at a power (W; null: the model's or the pool's maximum).</summary>
public sealed record Sha256dRate(double GhPerSecond, double? PowerW, string Source)
{
    /// <summary>GPU energy per GH (J/GH).</summary>
    public double JoulesPerGh(GpuPool pool) => (PowerW ?? pool.MaxPowerPerGpu.Watts) / GhPerSecond;

    /// <summary>
    /// What a MWh of GPU energy earns at <paramref name="hashpricePerThDay"/> (money per TH/s per day):
    /// hashprice × TH/s per GPU / (MWh per GPU-day at the hashing power).
    /// </summary>
    public double ValuePerMwh(double hashpricePerThDay, GpuPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var watts = PowerW ?? pool.MaxPowerPerGpu.Watts;
        return hashpricePerThDay * (GhPerSecond / 1_000) / (watts * 24 / 1e6);
    }
}
