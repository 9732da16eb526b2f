using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Energy.Gpu.Control;

namespace Energy.Gpu.Benchmarks;

/// <summary>
/// <c>heatgrid gpu info</c>: whether an NVIDIA driver is loadable here, and the simulated GPUs with their power
/// limits and the workloads software power control can run on them.
/// </summary>
public static class GpuInventory
{
    private const string Install =
        "Install the NVIDIA driver (580+, provides libnvidia-ml.so.1 and libcuda.so.1) and the CUDA 13 toolkit " +
        "(libnvrtc.so.13, libcublas.so.13). HeatGrid's CUDA/NVML backend is not built yet; until then every GPU is simulated.";

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>True when NVML (<c>libnvidia-ml.so.1</c> / <c>nvml.dll</c>) can be loaded: a driver is installed.</summary>
    public static bool NvidiaDriverFound()
    {
        foreach (var name in (string[])["libnvidia-ml.so.1", "nvml.dll"])
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                NativeLibrary.Free(handle);
                return true;
            }
        }

        return false;
    }

    public static object Describe(bool driverFound) => new
    {
        nvidiaDriverFound = driverFound,
        message = driverFound
            ? "An NVIDIA driver (NVML) is present, but the CUDA/NVML backend is not built yet: listing simulated GPUs."
            : "No NVIDIA GPU/driver found (libnvidia-ml.so.1 not loadable): listing simulated GPUs. " + Install,
        devices = SimulatedGpuSpec.All.Select(s => new
        {
            device = "simulated " + s.Model,
            minPowerW = s.MinPower.Watts,
            idlePowerW = s.IdlePower.Watts,
            maxPowerW = s.MaxPower.Watts,
            powerControl = "software (duty cycle, instant-power feedback); GPU limits are never changed",
            workloads = new[] { DutyCycleModel.Sha256d, DutyCycleModel.Heater(s.MaxPower) }.Select(m => new
            {
                workload = m.Workload,
                minW = m.PowerAt(0).Clamp(s.MinPower, s.MaxPower).Watts,
                maxW = m.PowerAt(1).Clamp(s.MinPower, s.MaxPower).Watts,
                heater = m.IsHeater,
            }),
            modelledSha256dGhs = Math.Round(s.Sha256dGhs, 2),
            modelledGemmTflops = Math.Round(s.GemmTflops, 0),
        }),
    };

    public static string ToJson(bool driverFound) => JsonSerializer.Serialize(Describe(driverFound), Indented);

    public static string ToText(bool driverFound)
    {
        var text = new StringBuilder();
        text.AppendLine(driverFound
            ? "NVIDIA driver found, but the CUDA/NVML backend is not built yet: simulated GPUs only."
            : "No NVIDIA GPU/driver found (libnvidia-ml.so.1 not loadable). " + Install);
        foreach (var s in SimulatedGpuSpec.All)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"simulated {s.Model}: power {s.MinPower.Watts:F0}-{s.MaxPower.Watts:F0} W (idle {s.IdlePower.Watts:F0} W); " +
                $"sha256d {DutyCycleModel.Sha256d.PowerAt(0).Clamp(s.MinPower, s.MaxPower).Watts:F0}-{DutyCycleModel.Sha256d.Full.Watts:F0} W, " +
                $"gemm heater up to {s.MaxPower.Watts:F0} W; modelled {s.Sha256dGhs:F2} GH/s sha256d, {s.GemmTflops:F0} TFLOP/s bf16");
        }

        return text.ToString();
    }
}
