using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Contracts.Configuration;

internal sealed partial class SiteFileReader
{
    private List<GpuPool> Pools(IReadOnlyList<YamlSection> sections)
    {
        var pools = new List<GpuPool>();
        foreach (var p in sections)
        {
            var name = p.String("name");
            var model = p.String("gpuModel");
            var count = p.Integer("count", min: 1, max: SiteFileLimits.MaxGpus);
            var min = p.Number("minPowerW", "W", min: 0, max: SiteFileLimits.MaxGpuW);
            var idle = p.Number("idlePowerW", "W", min: 0, max: SiteFileLimits.MaxGpuW);
            var max = p.Number("maxPowerW", "W", min: 1, max: SiteFileLimits.MaxGpuW);
            var loop = p.String("heatLoop", required: false);
            Declare(_poolNames, name);
            Refer(p, "heatLoop", loop, ReferenceKind.HeatLoop);
            var overhead = p.Number("coolingOverhead", "fraction of GPU power", required: false, min: 0, max: 2) ?? 0;
            if (min > max)
            {
                p.ErrorAt("minPowerW", $"the minimum power ({min} W) is above the maximum ({max} W)");
            }

            if (idle > max)
            {
                p.ErrorAt("idlePowerW", $"the idle power ({idle} W) is above the maximum ({max} W)");
            }

            p.Complete();
            if (name is not null && model is not null && count is not null && min is not null && idle is not null && max is not null)
            {
                var pool = new GpuPool(name, model, count.Value, Power.FromWatts(min.Value), Power.FromWatts(idle.Value),
                    Power.FromWatts(max.Value), loop, overhead);
                _origins[pool] = p;
                pools.Add(pool);
            }
        }

        return pools;
    }
}
