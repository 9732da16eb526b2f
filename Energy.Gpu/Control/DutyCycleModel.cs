using Energy.Contracts.Units;

namespace Energy.Gpu.Control;

/// <summary>
/// How a workload's power follows its duty cycle on one GPU: P(d) = idle + (full − idle)·d^k, with d in [0, 1]
/// the fraction of time the kernel runs. The controller uses it as a feedforward; its integral term trims
/// whatever the real curve does differently.
/// </summary>
/// <param name="Workload">The workload name passed to <see cref="Devices.IGpuDevice.Apply"/>.</param>
/// <param name="Idle">Power at duty 0 with the context alive (≈ 120 W on an H200).</param>
/// <param name="Full">Power at duty 1.</param>
/// <param name="Exponent">k: 1 is linear; below 1 power rises faster at low duty.</param>
/// <param name="IsHeater">True when the workload can turn the GPU's whole power range into heat (GEMM).</param>
public sealed record DutyCycleModel(string Workload, Power Idle, Power Full, double Exponent, bool IsHeater)
{
    /// <summary>Idle with a CUDA context, as measured on the H200 (GPU.md).</summary>
    public static readonly Power IdleWithContext = Power.FromWatts(119);

    /// <summary>
    /// SHA-256d hashing. Fitted to the H200 figures in GPU.md (100 / 50 / 25 / 0 % → 386 / 256 / 189 / 119 W,
    /// k = 0.96 fits 50 % and 25 % within 2 W); hashing tops out near 390 W whatever the power limit.
    /// </summary>
    public static readonly DutyCycleModel Sha256d = new("sha256d", IdleWithContext, Power.FromWatts(390), 0.96, IsHeater: false);

    /// <summary>
    /// A bf16 GEMM "heater": an 8192³ matmul sits on the power cap (700 W on an H200), so full = the GPU's maximum.
    /// The exponent is an assumption (not measured yet): GEMM power rises a little faster than linearly at low duty.
    /// </summary>
    public static DutyCycleModel Heater(Power maxPower) => new("gemm", IdleWithContext, maxPower, 0.9, IsHeater: true);

    /// <summary>The power at <paramref name="duty"/> (clamped to [0, 1]).</summary>
    public Power PowerAt(double duty)
    {
        var d = ClampDuty(duty);
        return Idle + ((Full - Idle) * Math.Pow(d, Exponent));
    }

    /// <summary>The duty cycle the model expects to draw <paramref name="power"/>, clamped to [0, 1].</summary>
    public double DutyFor(Power power)
    {
        var span = (Full - Idle).Watts;
        if (span <= 0)
        {
            return power >= Full ? 1 : 0;
        }

        var fraction = Math.Clamp((power - Idle).Watts / span, 0, 1);
        return Math.Pow(fraction, 1 / Exponent);
    }

    /// <summary>Clamps to [0, 1]; NaN is a bug in the caller, not a duty cycle.</summary>
    public static double ClampDuty(double duty) =>
        double.IsNaN(duty) ? throw new ArgumentOutOfRangeException(nameof(duty), "Duty cycle is NaN.") : Math.Clamp(duty, 0, 1);
}
