using Energy.Contracts.Sites;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu;

public static class GpuServiceCollectionExtensions
{
    /// <summary>
    /// The GPUs of this host and the node agent that runs them: the host's NVIDIA GPUs when the driver,
    /// CUDA toolkit libraries and a device are present, else the simulated GPUs of the site file
    /// (<see cref="GpuBackendSelector"/>; it logs which and why).
    /// </summary>
    public static IServiceCollection AddEnergyGpu(this IServiceCollection services, string node, GpuBackendOptions? options = null)
    {
        services.AddSingleton(sp => GpuBackendSelector.Select(
            sp.GetRequiredService<Site>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), options));
        services.AddSingleton<IReadOnlyList<IGpuDevice>>(sp => sp.GetRequiredService<GpuBackend>().Devices);
        return services;
    }

    /// <summary>As <see cref="AddEnergyGpu(IServiceCollection, string, GpuBackendOptions?)"/>, with options that need the container (a PoUW job source, a ticket sink).</summary>
    public static IServiceCollection AddEnergyGpu(this IServiceCollection services, string node, Func<IServiceProvider, GpuBackendOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp => GpuBackendSelector.Select(
            sp.GetRequiredService<Site>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), options(sp)));
        services.AddSingleton<IReadOnlyList<IGpuDevice>>(sp => sp.GetRequiredService<GpuBackend>().Devices);
        return services;
    }

    /// <summary>How simulated GPUs are described, for logs and the status API.</summary>
    public const string SimulatedBackend = GpuBackend.SimulatedDescription;
}
