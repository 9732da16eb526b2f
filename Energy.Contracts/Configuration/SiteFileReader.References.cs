using Energy.Contracts.Sites;

namespace Energy.Contracts.Configuration;

internal sealed partial class SiteFileReader
{
    private enum ReferenceKind
    {
        Pool,
        HeatLoop,
    }

    private readonly List<string> _poolNames = [];
    private readonly List<string> _loopNames = [];
    private readonly List<(YamlSection Section, string Key, string Target, ReferenceKind Kind)> _references = [];

    private static void Declare(List<string> names, string? name)
    {
        if (name is not null)
        {
            names.Add(name);
        }
    }

    private void Refer(YamlSection section, string key, string? target, ReferenceKind kind)
    {
        if (target is not null)
        {
            _references.Add((section, key, target, kind));
        }
    }

    /// <summary>
    /// Names are unique, and every reference (pool → loop, workload → pool) points at something the
    /// file defines, even where other fields of either side are wrong.
    /// </summary>
    private void CheckReferences(YamlSection root, List<GpuPool> pools, List<Workload> workloads)
    {
        Unique(pools.Select(p => (p.Name, (object)p)), "GPU pool");
        Unique(workloads.Select(w => (w.Name, (object)w)), "workload");
        Unique(_origins.Keys.OfType<HeatLoop>().Select(l => (l.Name, (object)l)), "heat loop");

        var poolNames = _poolNames.ToHashSet(StringComparer.Ordinal);
        var loopNames = _loopNames.ToHashSet(StringComparer.Ordinal);
        foreach (var (section, key, target, kind) in _references)
        {
            var (known, what) = kind == ReferenceKind.Pool ? (poolNames, "GPU pool") : (loopNames, "heat loop");
            if (!known.Contains(target))
            {
                section.ErrorAt(key, $"there is no {what} named '{target}'{Known(known)}");
            }
        }

        // Only where every pool the workload names (or, with none named, every pool) was read without error.
        var complete = poolNames.Count == pools.Count;
        foreach (var inference in workloads.OfType<InferenceWorkload>()
            .Where(w => w.Pools.Count == 0 ? complete : w.Pools.All(name => pools.Any(p => p.Name == name))))
        {
            var capacity = pools.Where(inference.MayRunOn).Sum(p => p.Count);
            if (inference.SlaMinGpus > capacity)
            {
                _origins[inference].ErrorAt("slaMinGpus", $"the SLA minimum ({inference.SlaMinGpus} GPUs) is more than its pools hold ({capacity} GPUs)");
            }
        }

        if (workloads.Count(w => w.Kind == WorkloadKind.Mining) > 1)
        {
            root.ErrorAt("workloads", "at most one mining workload per site");
        }

        if (root.Has("pools") && !root.IsList("pools", nonEmpty: true))
        {
            root.ErrorAt("pools", "a site needs at least one GPU pool");
        }

        if (root.Has("workloads") && !root.IsList("workloads", nonEmpty: true))
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
