using System.Globalization;
using System.Text;
using System.Text.Json;
using Energy.Gpu.Devices;

namespace Energy.Gpu.Benchmarks;

/// <summary>
/// <c>heatgrid gpu info</c> on a host with NVIDIA GPUs: the stack's versions and, per GPU, what CUDA and
/// NVML say about it. Reads only.
/// </summary>
public static class CudaInventory
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static object Describe(NvidiaHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new
        {
            nvidiaDriverFound = true,
            backend = "CUDA backend: " + host.Describe(),
            driverVersion = host.DriverVersion,
            cudaVersion = host.Cuda.DriverCudaVersion,
            nvrtcVersion = NvrtcVersion(host),
            devices = host.Gpus.Select(g =>
            {
                var limits = g.Nvml.PowerLimits;
                return new
                {
                    device = g.Cuda.Name,
                    uuid = g.Uuid,
                    cudaOrdinal = g.Cuda.Ordinal,
                    nvmlIndex = g.NvmlIndex,
                    architecture = g.Cuda.Architecture,
                    multiprocessors = g.Cuda.MultiprocessorCount,
                    memoryGib = Math.Round(g.Cuda.TotalMemoryGibibytes, 1),
                    powerLimitsW = new { min = limits.Min.Watts, max = limits.Max.Watts, @default = limits.Default.Watts, enforced = limits.Enforced.Watts },
                    instantPowerW = g.Nvml.InstantPower.Watts,
                    averagePowerW = g.Nvml.AveragePower.Watts,
                    instantPowerField = g.Nvml.CanReadInstantPower,
                    energyCounterKwh = Math.Round(g.Nvml.EnergyCounter.KilowattHours, 3),
                    temperatureC = g.Nvml.Temperature.Celsius,
                    smClockMhz = g.Nvml.SmClockMegahertz,
                    clockEventReasons = g.Nvml.ClockEventReasons.ToString(),
                    powerControl = "software (duty cycle, instant-power feedback); GPU limits are never changed unless configured",
                };
            }),
        };
    }

    public static string ToJson(NvidiaHost host) => JsonSerializer.Serialize(Describe(host), Indented);

    public static string ToText(NvidiaHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"GPU backend: CUDA backend: {host.Describe()}; NVRTC {NvrtcVersion(host)}");
        foreach (var g in host.Gpus)
        {
            var limits = g.Nvml.PowerLimits;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"cuda{g.Cuda.Ordinal} {g.Cuda.Name} {g.Uuid}: {g.Cuda.Architecture}, {g.Cuda.MultiprocessorCount} SMs, {g.Cuda.TotalMemoryGibibytes:F1} GiB; " +
                $"power {g.Nvml.InstantPower.Watts:F0} W now ({g.Nvml.AveragePower.Watts:F0} W 1-s average), limits {limits.Min.Watts:F0}-{limits.Max.Watts:F0} W, " +
                $"enforced {limits.Enforced.Watts:F0} W; {g.Nvml.Temperature.Celsius:F0} °C");
        }

        return text.ToString();
    }

    private static string NvrtcVersion(NvidiaHost host) =>
        host.Nvrtc.Version(out var major, out var minor) == Interop.NvrtcResult.Success
            ? string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}")
            : "unknown";
}
