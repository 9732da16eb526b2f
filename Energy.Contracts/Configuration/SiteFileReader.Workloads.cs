using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Contracts.Configuration;

internal sealed partial class SiteFileReader
{
    private enum Kind
    {
        Inference,
        Mining,
        Heater,
    }

    private static readonly Dictionary<string, Kind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["inference"] = Kind.Inference,
        ["mining"] = Kind.Mining,
        ["heater"] = Kind.Heater,
    };

    private List<Workload> Workloads(IReadOnlyList<YamlSection> sections)
    {
        var workloads = new List<Workload>();
        foreach (var w in sections)
        {
            var name = w.String("name");
            var kind = w.Choice("kind", Kinds);
            var pools = w.Strings("pools", required: false) ?? [];
            foreach (var pool in pools)
            {
                Refer(w, "pools", pool, ReferenceKind.Pool);
            }

            Workload? workload = kind switch
            {
                Kind.Inference => Inference(w, name, pools),
                Kind.Mining => Mining(w, name, pools),
                Kind.Heater when name is not null => new HeaterWorkload(name, pools),
                _ => null,
            };
            w.Complete();
            if (workload is not null)
            {
                _origins[workload] = w;
                workloads.Add(workload);
            }
        }

        return workloads;
    }

    private InferenceWorkload? Inference(YamlSection w, string? name, IReadOnlyList<string> pools)
    {
        var tenant = w.String("tenant");
        var price = w.Number("pricePerGpuHour", $"{_currency} per GPU-hour", min: 0);
        var sla = w.Integer("slaMinGpus", required: false, min: 0, max: SiteFileLimits.MaxGpus) ?? 0;
        var max = w.Integer("maxGpus", min: 1, max: SiteFileLimits.MaxGpus);
        var demand = w.Integers("demandGpusByHour", required: false, min: 0, max: SiteFileLimits.MaxGpus);
        if (demand is not null && demand.Count != 24)
        {
            w.ErrorAt("demandGpusByHour", $"expected 24 values, one per local hour from 00:00, got {demand.Count}");
            demand = null;
        }

        if (max is not null && sla > max)
        {
            w.ErrorAt("slaMinGpus", $"the SLA minimum ({sla} GPUs) is above the contracted maximum ({max} GPUs)");
        }

        return name is null || tenant is null || price is null || max is null
            ? null
            : new InferenceWorkload(name, pools, tenant, Money.Of(price.Value, _currency), sla, max.Value,
                demand ?? Enumerable.Repeat(max.Value, 24).ToList());
    }

    private static readonly Dictionary<string, MiningAlgorithm> Algorithms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["workUnit"] = MiningAlgorithm.WorkUnit,
        ["sha256d"] = MiningAlgorithm.Sha256d,
    };

    /// <summary>The site file's folder: relative paths in it (a mining value series) are read from there.</summary>
    public string? BaseDirectory { get; init; }

    private MiningWorkload? Mining(YamlSection w, string? name, IReadOnlyList<string> pools)
    {
        var unit = w.String("unit");
        var joules = w.Number("joulesPerUnit", "J of GPU energy per unit of work", min: 1e-12);
        var revenue = w.Number("revenuePerUnit", $"{_currency} per unit of work", min: 0);
        var algorithm = w.Choice("algorithm", Algorithms, required: false) ?? MiningAlgorithm.WorkUnit;
        var rateAll = w.Number("hashRateGhPerGpu", "GH/s of SHA-256d per GPU", required: false, min: 1e-6, max: 1e9);
        var powerAll = w.Number("hashPowerW", "W per GPU while hashing", required: false, min: 1, max: 10_000);
        var rates = new Dictionary<string, Sha256dRate>(StringComparer.Ordinal);
        foreach (var r in w.Sections("hashRates", required: false) ?? [])
        {
            var pool = r.String("pool");
            var gh = r.Number("ghPerGpu", "GH/s of SHA-256d per GPU", min: 1e-6, max: 1e9);
            var watts = r.Number("powerW", "W per GPU while hashing", required: false, min: 1, max: 10_000);
            r.Complete();
            if (pool is not null)
            {
                Refer(r, "pool", pool, ReferenceKind.Pool);
                if (gh is not null && !rates.TryAdd(pool, new Sha256dRate(gh.Value, watts, "measured (site file)")))
                {
                    r.ErrorAt("pool", $"pool '{pool}' has a hash rate already");
                }
            }
        }

        if (powerAll is not null && rateAll is null)
        {
            w.ErrorAt("hashPowerW", "hashPowerW goes with hashRateGhPerGpu: the power at which that hash rate was measured");
        }

        var series = w.String("valueSeries", required: false);
        var fx = w.Number("valueFx", $"{_currency} per unit of the value series' currency", required: false, min: 1e-9, max: 1e9);
        if (fx is not null && series is null)
        {
            w.ErrorAt("valueFx", "valueFx converts the currency of valueSeries; there is no valueSeries");
        }

        var least = w.Number("minValuePerMwh", $"{_currency} per MWh of GPU energy", required: false, min: 0, max: 1e6);
        var account = PoolAccount(w);
        if (algorithm != MiningAlgorithm.Sha256d)
        {
            foreach (var key in new[] { "hashRateGhPerGpu", "hashRates", "pool" })
            {
                if (w.Has(key))
                {
                    w.ErrorAt(key, $"{key} is for SHA-256d mining: add 'algorithm: sha256d'");
                }
            }
        }

        return name is null || unit is null || joules is null || revenue is null
            ? null
            : new MiningWorkload(name, pools, unit, joules.Value, Money.Of(revenue.Value, _currency))
            {
                Algorithm = algorithm,
                HashRates = rates,
                HashRateForAllPools = rateAll is { } gh2 ? new Sha256dRate(gh2, powerAll, "measured (site file)") : null,
                ValueSeries = series is null ? null : BaseDirectory is { Length: > 0 } dir ? Path.Combine(dir, series) : series,
                ValueFx = fx,
                Pool = account,
                MinValuePerMwh = least ?? MiningWorkload.DefaultMinValuePerMwh,
            };
    }

    /// <summary><c>pool: stratum+tcp://HOST:PORT</c>, <c>worker</c> (required with a pool) and <c>passwordEnv</c>.</summary>
    private static MiningPoolAccount? PoolAccount(YamlSection w)
    {
        var url = w.String("pool", required: false);
        var worker = w.String("worker", required: url is not null);
        var passwordEnv = w.String("passwordEnv", required: false);
        if (url is null)
        {
            foreach (var key in new[] { "worker", "passwordEnv" })
            {
                if (w.Has(key))
                {
                    w.ErrorAt(key, $"{key} belongs to a pool: add 'pool: stratum+tcp://HOST:PORT'");
                }
            }

            return null;
        }

        if (!PoolUrlLooksRight(url))
        {
            w.ErrorAt("pool", $"'{url}' is not a Stratum pool address; expected stratum+tcp://HOST:PORT (e.g. stratum+tcp://pool.example.com:3333)");
            return null;
        }

        if (passwordEnv is not null && (passwordEnv.Contains('=', StringComparison.Ordinal) || passwordEnv.Any(char.IsWhiteSpace)))
        {
            w.ErrorAt("passwordEnv", $"'{passwordEnv}' is not an environment variable name; the password itself never goes in the site file");
            return null;
        }

        return worker is null ? null : new MiningPoolAccount(url.Trim(), worker, passwordEnv);
    }

    private static bool PoolUrlLooksRight(string url)
    {
        const string Scheme = "stratum+tcp://";
        var text = url.Trim();
        if (!text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var authority = text[Scheme.Length..].TrimEnd('/');
        var colon = authority.LastIndexOf(':');
        return colon > 0 && !authority.Contains('@', StringComparison.Ordinal) && !authority.Contains('/', StringComparison.Ordinal)
            && int.TryParse(authority[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is >= 1 and <= 65535;
    }
}
