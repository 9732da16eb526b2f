using Energy.Contracts.Agents;

namespace Energy.Scheduler.Controller.Dispatch;

/// <summary>
/// Remembers, per GPU, its last non-idle workload and since when it has had it. Going idle and coming
/// back to the same workload does not restart the clock; a GPU first seen on a workload counts as
/// settled. A workload the dispatcher sent starts its clock when it was sent, not when the agent
/// first reports it, so that dwell is measured as the operator reads the assignment log.
/// </summary>
internal sealed class DwellTracker
{
    private readonly Dictionary<string, (string Workload, DateTimeOffset Since)> _last = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Workload, DateTimeOffset At)> _sent = new(StringComparer.Ordinal);

    public void Observe(GpuState gpu, DateTimeOffset now)
    {
        if (gpu.Workload is not { } workload)
        {
            return;
        }

        var sentAt = _sent.TryGetValue(gpu.GpuId, out var sent) && sent.Workload == workload ? sent.At : (DateTimeOffset?)null;
        if (sentAt is not null)
        {
            _sent.Remove(gpu.GpuId);
        }

        if (_last.TryGetValue(gpu.GpuId, out var last))
        {
            if (last.Workload != workload)
            {
                _last[gpu.GpuId] = (workload, sentAt ?? now);
            }
        }
        else
        {
            _last[gpu.GpuId] = (workload, sentAt ?? DateTimeOffset.MinValue);
        }
    }

    /// <summary>The GPU's last non-idle workload (what it runs, or ran before going idle); null if never seen working.</summary>
    public string? LastWorkload(string gpuId) => _last.TryGetValue(gpuId, out var last) ? last.Workload : null;

    /// <summary>When the GPU's last non-idle workload began; <see cref="DateTimeOffset.MinValue"/> when settled since first seen.</summary>
    public DateTimeOffset Since(string gpuId) => _last.TryGetValue(gpuId, out var last) ? last.Since : DateTimeOffset.MinValue;

    public bool IsSettled(string gpuId, DateTimeOffset now, TimeSpan minDwell) => now - Since(gpuId) >= minDwell;

    /// <summary>Whether <paramref name="workload"/> was already sent to the GPU and is not yet reported back.</summary>
    public bool IsPending(string gpuId, string workload) => _sent.TryGetValue(gpuId, out var sent) && sent.Workload == workload;

    /// <summary>Records what was sent: a workload other than the GPU's last one starts its dwell now.</summary>
    public void Sent(string gpuId, string? workload, DateTimeOffset now)
    {
        if (workload is null || workload == LastWorkload(gpuId))
        {
            _sent.Remove(gpuId);
        }
        else
        {
            _sent[gpuId] = (workload, now);
        }
    }
}
