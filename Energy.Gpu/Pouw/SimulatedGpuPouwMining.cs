using Energy.Contracts.Units;
using Energy.Gpu.Control;
using Energy.Gpu.Devices;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Pouw;

/// <summary>
/// PoUW for simulated GPUs: they draw modelled power and run nothing, so one CPU thread mines for them
/// (<see cref="CpuPouwWork"/> on a <see cref="DutyCycleRunner"/> named <c>cpu-pouw</c>). Its duty is the mean, over the
/// node's simulated GPUs, of each one's mining duty — the duty a GPU load would run at to draw the GPU's power target
/// (<see cref="DutyFor"/>), 0 for a GPU doing anything else. One thread at most, whatever the GPU count, so a node
/// of many simulated GPUs does not take every core. <see cref="Update"/> follows the GPUs; call it every few hundred ms.
/// </summary>
public sealed class SimulatedGpuPouwMining : IDisposable
{
    private readonly IReadOnlyList<IGpuDevice> _gpus;
    private readonly Func<string, bool> _isMining;
    private readonly ILogger _logger;
    private int _loggedMining = -1;
    private double _loggedDuty = -1;

    public SimulatedGpuPouwMining(IReadOnlyList<IGpuDevice> gpus, Func<string, bool> isMining, CpuPouwWork work, TimeProvider time, ILogger logger,
        TimeSpan? period = null)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        ArgumentNullException.ThrowIfNull(isMining);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(logger);
        _gpus = gpus;
        _isMining = isMining;
        _logger = logger;
        Work = work;
        Runner = new DutyCycleRunner("cpu-pouw", work, time, logger, period);
    }

    public CpuPouwWork Work { get; }

    public DutyCycleRunner Runner { get; }

    /// <summary>The duty a PoUW load would run at on <paramref name="gpu"/> to draw <paramref name="target"/>: the GEMM model between its idle and maximum power.</summary>
    public static double DutyFor(IGpuDevice gpu, Power target)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return new DutyCycleModel("pouw", gpu.IdlePower, gpu.MaxPower, 0.9, IsHeater: false).DutyFor(target);
    }

    /// <summary>Reads the GPUs and sets the CPU miner's duty; returns it.</summary>
    public double Update()
    {
        var sum = 0.0;
        var mining = 0;
        foreach (var gpu in _gpus)
        {
            var state = gpu.Read();
            if (state.Workload is { } workload && _isMining(workload))
            {
                sum += DutyFor(gpu, state.PowerTarget);
                mining++;
            }
        }

        var duty = _gpus.Count == 0 ? 0 : sum / _gpus.Count;
        Runner.SetDuty(duty);
        if (mining != _loggedMining || Math.Abs(duty - _loggedDuty) >= 0.1)
        {
            (_loggedMining, _loggedDuty) = (mining, duty);
            Log.CpuPouwDuty(_logger, duty, mining, _gpus.Count);
        }

        return duty;
    }

    public void Dispose() => Runner.Dispose();
}
