using Energy.Contracts.Sites;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Energy.Gpu.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu;

public static class GpuServiceCollectionExtensions
{
    /// <summary>
    /// The GPUs of this host and the node agent that runs them. Today every GPU is simulated from the
    /// site file; the CUDA/NVML backend plugs in here when NVIDIA GPUs are present.
    /// </summary>
    public static IServiceCollection AddEnergyGpu(this IServiceCollection services, string node)
    {
        services.AddSingleton<IReadOnlyList<IGpuDevice>>(sp => SimulatedFleet.ForSite(sp.GetRequiredService<Site>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>How the GPUs of this process are backed, for logs and the status API.</summary>
    public const string SimulatedBackend = "simulated";
}
