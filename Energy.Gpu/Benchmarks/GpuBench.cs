using System.Text.Json;
using Energy.Contracts.Units;
using Energy.Gpu.Control;
using Energy.Gpu.Devices;
using Energy.Gpu.Simulation;

namespace Energy.Gpu.Benchmarks;

/// <summary>
/// <c>heatgrid gpu bench --simulated</c>: hash and GEMM rates from a documented model of the GPU (never measured
/// here), the SHA-256d energy per GH from hashing at full duty on the simulated GPU, and the real
/// <see cref="PowerController"/> holding 200, 300 and 450 W with the heater workload on a
/// <see cref="SimulatedGpu"/>, in simulated time (a manual clock: the run takes milliseconds).
/// </summary>
public static class GpuBench
{
    public static readonly IReadOnlyList<double> TrackingTargetsW = [200, 300, 450];

    /// <summary>Band the 1-s average must stay within to count as settled.</summary>
    public const double SettleBand = PowerTrackingResult.SettleBand;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly DateTimeOffset Epoch = new(2024, 7, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Runs the simulated bench: <paramref name="secondsPerTarget"/> simulated seconds per power target (at least 3).</summary>
    public static GpuBenchResult RunSimulated(SimulatedGpuSpec spec, double secondsPerTarget = 10)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (double.IsNaN(secondsPerTarget) || secondsPerTarget < 3 || secondsPerTarget > 3_600)
        {
            throw new ArgumentOutOfRangeException(nameof(secondsPerTarget), secondsPerTarget, "Simulated seconds per target must be within 3..3600.");
        }

        var joulesPerGh = HashingJoulesPerGh(spec);
        var tracking = TrackingTargetsW.Select(w => Track(spec, w, TimeSpan.FromSeconds(secondsPerTarget))).ToList();
        const string Note =
            "Simulated device: sha256dGhs = hashcat SHA-256 rate / 2 compressions x 0.85 (plain NVRTC kernel, H200); " +
            "gemmTflops = bf16 dense peak x 0.675 (8192^3 matmul on the 700 W cap, H200); both are a model, not measured. " +
            "sha256dJoulesPerGh = energy counter of the simulated GPU hashing at duty 1 / modelled rate. " +
            "No share search runs in simulation (sharesFound = sharesVerified = 0). powerTracking runs the real " +
            "PowerController (heater workload, 100 ms instant-power samples) against the simulated GPU (tau = 0.3 s, NVML-style 1-s average) in simulated time.";
        return new GpuBenchResult("simulated " + spec.Model, true, Note, Math.Round(spec.Sha256dGhs, 2), Math.Round(joulesPerGh, 1),
            0, 0, Math.Round(spec.GemmTflops, 0), secondsPerTarget, tracking);
    }

    public static string ToJson(GpuBenchResult result) => JsonSerializer.Serialize(result, Indented);

    private static SimulatedGpu NewGpu(SimulatedGpuSpec spec, ManualClock clock) =>
        new("bench/0", spec.Model, "bench", spec.MinPower, spec.IdlePower, spec.MaxPower, clock);

    private static double HashingJoulesPerGh(SimulatedGpuSpec spec)
    {
        var clock = new ManualClock(Epoch);
        var gpu = NewGpu(spec, clock);
        var load = new SimulatedLoad(gpu, DutyCycleModel.Sha256d);
        load.SetDuty(1);
        clock.Advance(TimeSpan.FromSeconds(2));
        var start = gpu.Read().EnergyCounter;
        var span = TimeSpan.FromSeconds(10);
        clock.Advance(span);
        var joules = (gpu.Read().EnergyCounter - start).Joules;
        return joules / (spec.Sha256dGhs * span.TotalSeconds);
    }

    private static PowerTrackingResult Track(SimulatedGpuSpec spec, double targetW, TimeSpan run)
    {
        var clock = new ManualClock(Epoch);
        var gpu = NewGpu(spec, clock);
        using var controller = new PowerController(new SimulatedLoad(gpu, DutyCycleModel.Heater(gpu.MaxPower)), clock);
        var period = new PowerControllerOptions().SamplePeriod;
        controller.SetTarget(Power.FromWatts(targetW));

        var samples = new List<(double Seconds, double AverageW)>();
        for (var t = TimeSpan.Zero; t < run; t += period)
        {
            controller.Step();
            clock.Advance(period);
            samples.Add(((t + period).TotalSeconds, gpu.Read().AveragePower.Watts));
        }

        return PowerTrackingResult.FromSamples(targetW, samples);
    }
}
