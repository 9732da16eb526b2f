using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Energy.Gpu.Control;

namespace Energy.Gpu.Benchmarks;

/// <summary>
/// <c>heatgrid gpu info</c> on a host without a usable NVIDIA stack: why not, and the simulated GPUs with their
/// power limits and the workloads software power control can run on them. <see cref="CudaInventory"/> lists real ones.
/// </summary>
public static class GpuInventory
{
    private const string Install =
        "Real GPUs need the NVIDIA driver (580+, provides libnvidia-ml.so.1 and libcuda.so.1) and the CUDA 13 toolkit's " +
        "libnvrtc.so.13 and libcublas.so.13; until then every GPU is simulated.";

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

    /// <param name="driverFound">Whether NVML loads (<see cref="NvidiaDriverFound"/>).</param>
    /// <param name="reason">What kept the CUDA backend from starting (<see cref="Devices.NvidiaHost.TryOpen"/>).</param>
    public static object Describe(bool driverFound, string reason) => new
    {
        nvidiaDriverFound = driverFound,
        backend = "simulated",
        reason,
        message = $"No usable NVIDIA GPU ({reason}): listing simulated GPUs. {Install}",
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

    public static string ToJson(bool driverFound, string reason) => JsonSerializer.Serialize(Describe(driverFound, reason), Indented);

    public static string ToText(string reason)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"GPU backend: simulated: {reason}. {Install}");
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
