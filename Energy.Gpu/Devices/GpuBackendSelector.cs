using System.Globalization;
using Energy.Contracts.Sites;
using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Mining;
using Energy.Gpu.Nvml;
using Energy.Gpu.Simulation;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Devices;

/// <summary>
/// Chooses at start-up what the GPUs of this process are: the host's NVIDIA GPUs when NVML, the CUDA
/// driver, NVRTC, cuBLAS and a device are all there, each put in the site pool its model matches;
/// otherwise the simulated GPUs of the site file, exactly as before. Either way one log line says
/// which and why. Real GPUs replace the simulated fleet rather than join it: a node agent must not
/// report the power of GPUs that do not exist to a controller that holds a real grid cap.
/// </summary>
public static class GpuBackendSelector
{
    public static GpuBackend Select(Site site, TimeProvider time, ILoggerFactory loggers, GpuBackendOptions? options = null, INvidiaLibraries? libraries = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        options ??= new GpuBackendOptions();
        libraries ??= NvidiaLibraries.System;
        var logger = loggers.CreateLogger(typeof(GpuBackendSelector).FullName!);
        if (options.Mode == GpuBackendMode.Simulated)
        {
            return Simulated(site, time, logger, "chosen by configuration");
        }

        var nvmlOptions = new NvmlGpuOptions { AllowSetPowerLimit = options.Device.PowerLimit == NvmlPowerLimitMode.Apply };
        if (!NvidiaHost.TryOpen(libraries, logger, nvmlOptions, out var host, out var reason))
        {
            return options.Mode == GpuBackendMode.Cuda
                ? throw new GpuBackendUnavailableException($"real GPUs were asked for, but {reason}")
                : Simulated(site, time, logger, reason);
        }

        try
        {
            var backend = Real(site, host!, time, loggers, logger, options);
            if (backend is not null)
            {
                return backend;
            }

            host!.Dispose();
            const string None = "no NVIDIA GPU could be read through NVML";
            return options.Mode == GpuBackendMode.Cuda
                ? throw new GpuBackendUnavailableException($"real GPUs were asked for, but {None}")
                : Simulated(site, time, logger, None);
        }
        catch
        {
            host!.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Workload name → kind: the site file's workloads, then the kind names themselves (mining, heater,
    /// inference) for callers without a site; null for anything else.
    /// </summary>
    public static Func<string, WorkloadKind?> KindsOf(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var byName = site.Workloads.ToDictionary(w => w.Name, w => w.Kind, StringComparer.Ordinal);
        return name => byName.TryGetValue(name, out var kind)
            ? kind
            : Enum.TryParse<WorkloadKind>(name, ignoreCase: true, out var named) && Enum.IsDefined(named) && !char.IsAsciiDigit(name[0]) ? named : null;
    }

    private static GpuBackend Simulated(Site site, TimeProvider time, ILogger logger, string reason)
    {
        Log.SimulatedBackendSelected(logger, reason);
        return GpuBackend.Simulated(SimulatedFleet.ForSite(site, time), reason);
    }

    private static GpuBackend? Real(Site site, NvidiaHost host, TimeProvider time, ILoggerFactory loggers, ILogger logger, GpuBackendOptions options)
    {
        var compiler = new KernelCompiler(host.Nvrtc, new KernelCompilerOptions { CacheDirectory = options.KernelCacheDirectory },
            loggers.CreateLogger<KernelCompiler>(), time);
        var (jobs, poolClient) = MiningJobSources.Create(site, time, loggers);
        var kinds = KindsOf(site);
        var devices = new List<IGpuDevice>();
        var owned = new List<IDisposable>();
        foreach (var gpu in host.Gpus)
        {
            var (pool, why) = GpuPoolMatch.For(site, gpu.Cuda.Name);
            var id = string.Create(CultureInfo.InvariantCulture, $"{pool.Name}/cuda{gpu.Cuda.Ordinal}");
            var loads = new CudaLoadFactory(host.Cuda, gpu.Cuda, compiler, host.Cublas, jobs, time, loggers, options.Loads);
            try
            {
                var device = new CudaGpuDevice(id, pool.Name, gpu.Nvml, pool.IdlePowerPerGpu, loads, kinds, time,
                    loggers.CreateLogger<CudaGpuDevice>(), options.Device);
                Log.GpuJoinedPool(logger, id, device.Model, device.Uuid, pool.Name, why);
                devices.Add(device);
                owned.Add(device);
            }
            catch (NvmlException ex)
            {
                loads.Dispose();
                Log.CudaDeviceUnpaired(logger, gpu.Cuda.Ordinal, gpu.Cuda.Name, "NVML could not read it: " + ex.Message);
            }
        }

        if (devices.Count == 0)
        {
            poolClient?.Dispose();
            return null;
        }

        if (poolClient is not null)
        {
            owned.Add(poolClient);   // after the devices, whose mining loads use it; before the host
        }

        owned.Add(host);
        var description = "CUDA backend: " + host.Describe();
        Log.CudaBackendSelected(logger, description);
        return GpuBackend.Cuda(description, devices, owned);
    }
}
