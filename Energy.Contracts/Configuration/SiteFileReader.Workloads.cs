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

    private MiningWorkload? Mining(YamlSection w, string? name, IReadOnlyList<string> pools)
    {
        var unit = w.String("unit");
        var joules = w.Number("joulesPerUnit", "J of GPU energy per unit of work", min: 1e-12);
        var revenue = w.Number("revenuePerUnit", $"{_currency} per unit of work", min: 0);
        return name is null || unit is null || joules is null || revenue is null
            ? null
            : new MiningWorkload(name, pools, unit, joules.Value, Money.Of(revenue.Value, _currency));
    }
}
