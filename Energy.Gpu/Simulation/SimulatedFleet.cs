using System.Globalization;
using Energy.Contracts.Sites;
using Energy.Gpu.Devices;

namespace Energy.Gpu.Simulation;

/// <summary>Builds simulated GPUs for every GPU a site file declares, named <c>POOL/INDEX</c>.</summary>
public static class SimulatedFleet
{
    public static IReadOnlyList<IGpuDevice> ForSite(Site site, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(site);
        var gpus = new List<IGpuDevice>(site.TotalGpus);
        foreach (var pool in site.Pools)
        {
            for (var i = 0; i < pool.Count; i++)
            {
                gpus.Add(new SimulatedGpu(
                    string.Create(CultureInfo.InvariantCulture, $"{pool.Name}/{i}"),
                    pool.GpuModel, pool.Name, pool.MinPowerPerGpu, pool.IdlePowerPerGpu, pool.MaxPowerPerGpu, time));
            }
        }

        return gpus;
    }
}
