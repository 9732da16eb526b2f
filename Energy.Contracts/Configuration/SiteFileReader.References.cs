using Energy.Contracts.Sites;

namespace Energy.Contracts.Configuration;

internal sealed partial class SiteFileReader
{
    /// <summary>Names are unique, and every reference (pool → loop, workload → pool) points at something that exists.</summary>
    private void CheckReferences(YamlSection root, Site site)
    {
        Unique(site.Pools.Select(p => (p.Name, (object)p)), "GPU pool");
        Unique(site.HeatLoops.Select(l => (l.Name, (object)l)), "heat loop");
        Unique(site.Workloads.Select(w => (w.Name, (object)w)), "workload");

        var loops = site.HeatLoops.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var pools = site.Pools.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var pool in site.Pools.Where(p => p.HeatLoop is not null && !loops.Contains(p.HeatLoop)))
        {
            _origins[pool].ErrorAt("heatLoop", $"there is no heat loop named '{pool.HeatLoop}'{Known(loops)}");
        }

        foreach (var workload in site.Workloads)
        {
            foreach (var name in workload.Pools.Where(p => !pools.Contains(p)))
            {
                _origins[workload].ErrorAt("pools", $"there is no GPU pool named '{name}'{Known(pools)}");
            }

            if (workload is InferenceWorkload inference && workload.Pools.All(pools.Contains))
            {
                var capacity = site.Pools.Where(inference.MayRunOn).Sum(p => p.Count);
                if (inference.SlaMinGpus > capacity)
                {
                    _origins[workload].ErrorAt("slaMinGpus", $"the SLA minimum ({inference.SlaMinGpus} GPUs) is more than its pools hold ({capacity} GPUs)");
                }
            }
        }

        if (site.Workloads.Count(w => w.Kind == WorkloadKind.Mining) > 1)
        {
            root.ErrorAt("workloads", "at most one mining workload per site");
        }

        if (site.Pools.Count == 0)
        {
            root.ErrorAt("pools", "a site needs at least one GPU pool");
        }

        if (site.Workloads.Count == 0)
        {
            root.ErrorAt("workloads", "a site needs at least one workload");
        }
    }

    private void Unique(IEnumerable<(string Name, object Item)> items, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, item) in items)
        {
            if (!seen.Add(name))
            {
                _origins[item].ErrorAt("name", $"a {what} named '{name}' is already defined");
            }
        }
    }

    private static string Known(HashSet<string> names) =>
        names.Count == 0 ? " (none are defined)" : $" (defined: {string.Join(", ", names.Order(StringComparer.Ordinal))})";
}
