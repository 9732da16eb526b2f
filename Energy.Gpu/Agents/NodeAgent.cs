using Energy.Contracts.Agents;
using Energy.Contracts.Units;
using Energy.Gpu.Devices;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Agents;

/// <summary>
/// Runs assignments on the GPUs of one host. It refuses assignments from an older controller epoch
/// and puts every GPU whose assignment has expired into the safe state (idle) by itself: the dead-man
/// that keeps a host safe when it hears nothing.
/// </summary>
public sealed class NodeAgent
{
    private readonly Dictionary<string, IGpuDevice> _gpus;
    private readonly Dictionary<string, GpuAssignment> _current = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private long _epoch;

    public NodeAgent(string node, IEnumerable<IGpuDevice> gpus, TimeProvider time, ILogger<NodeAgent> logger)
    {
        Node = node;
        _gpus = gpus.ToDictionary(g => g.Id, StringComparer.Ordinal);
        _time = time;
        _logger = logger;
    }

    public string Node { get; }

    public IReadOnlyCollection<IGpuDevice> Gpus => _gpus.Values;

    /// <summary>Applies assignments; returns how many were applied (the rest were refused and logged).</summary>
    public int Apply(IReadOnlyList<GpuAssignment> assignments)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var now = _time.GetUtcNow();
        var applied = 0;
        lock (_lock)
        {
            foreach (var a in assignments)
            {
                if (a.Epoch < _epoch)
                {
                    Log.StaleEpochRefused(_logger, Node, a.GpuId, a.Epoch, _epoch);
                    continue;
                }

                if (!_gpus.TryGetValue(a.GpuId, out var gpu))
                {
                    Log.UnknownGpuRefused(_logger, Node, a.GpuId);
                    continue;
                }

                if (a.ValidUntil <= now)
                {
                    Log.ExpiredAssignmentRefused(_logger, Node, a.GpuId, a.ValidUntil);
                    continue;
                }

                _epoch = a.Epoch;
                gpu.Apply(a.Workload, a.PowerTarget);
                _current[a.GpuId] = a;
                applied++;
            }
        }

        return applied;
    }

    /// <summary>Sends every GPU whose assignment has run out to idle. Returns how many fell back.</summary>
    public int EnforceDeadman()
    {
        var now = _time.GetUtcNow();
        var expired = 0;
        lock (_lock)
        {
            foreach (var (id, assignment) in _current.Where(c => c.Value.ValidUntil <= now).ToList())
            {
                _gpus[id].Apply(null, Power.Zero);
                _current.Remove(id);
                expired++;
            }
        }

        if (expired > 0)
        {
            Log.DeadmanFallback(_logger, Node, expired);
        }

        return expired;
    }

    public IReadOnlyList<GpuState> ReadAll() => _gpus.Values.Select(g => g.Read()).ToList();
}
