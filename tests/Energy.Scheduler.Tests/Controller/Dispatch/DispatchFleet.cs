using Energy.Contracts.Agents;
using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Tests.Controller.Dispatch;

/// <summary>
/// GPUs as agents report them, for dispatcher tests: agents apply what they are sent at once, and
/// the fleet remembers when each GPU's non-idle workload last changed, to check dwell against.
/// </summary>
internal sealed class DispatchFleet
{
    private readonly Dictionary<string, GpuState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Workload, DateTimeOffset Since)> _history = new(StringComparer.Ordinal);

    public DispatchFleet(Site site, Func<GpuPool, int, string?>? initial = null)
    {
        foreach (var pool in site.Pools)
        {
            for (var i = 0; i < pool.Count; i++)
            {
                var workload = initial?.Invoke(pool, i);
                var id = $"{pool.Name}-{i:000}";
                _states[id] = State(id, pool.Name, workload, workload is null ? pool.IdlePowerPerGpu : pool.MaxPowerPerGpu);
                if (workload is not null)
                {
                    _history[id] = (workload, DateTimeOffset.MinValue);
                }
            }
        }
    }

    public IReadOnlyList<GpuState> States => _states.Values.OrderBy(s => s.GpuId, StringComparer.Ordinal).ToList();

    public GpuState this[string gpuId] => _states[gpuId];

    public IEnumerable<string> On(string? workload) => _states.Values.Where(s => s.Workload == workload).Select(s => s.GpuId);

    /// <summary>Whether the GPU's current non-idle workload began less than <paramref name="minDwell"/> before <paramref name="now"/>.</summary>
    public bool InDwell(string gpuId, DateTimeOffset now, TimeSpan minDwell) =>
        _history.TryGetValue(gpuId, out var h) && now - h.Since < minDwell;

    public void Apply(IEnumerable<GpuAssignment> assignments, DateTimeOffset now)
    {
        foreach (var a in assignments)
        {
            if (a.Workload is { } w && (!_history.TryGetValue(a.GpuId, out var h) || h.Workload != w))
            {
                _history[a.GpuId] = (w, now);
            }

            _states[a.GpuId] = _states[a.GpuId] with { Workload = a.Workload, PowerTarget = a.PowerTarget, Power = a.PowerTarget };
        }
    }

    /// <summary>The agent fell back to its safe state: idle, its history kept.</summary>
    public void Idle(string gpuId, Power idlePower) =>
        _states[gpuId] = _states[gpuId] with { Workload = null, PowerTarget = idlePower, Power = idlePower };

    public void Set(string gpuId, string? workload, Power target) =>
        _states[gpuId] = _states[gpuId] with { Workload = workload, PowerTarget = target, Power = target };

    public static PlanSlot Slot(params PoolAllocation[] allocations) => new(
        new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1), EnergyPrice.EurPerMwh(50),
        EnergyPrice.EurPerMwh(90), allocations, [], Power.Zero, [], []);

    private static GpuState State(string id, string pool, string? workload, Power target) =>
        new(id, pool, workload, target, target, target, EnergyAmount.Zero, Temperature.FromCelsius(40), DateTimeOffset.UnixEpoch);
}
