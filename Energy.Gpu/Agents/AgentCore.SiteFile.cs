using Energy.Contracts.Sites;
using Energy.Gpu.Devices;

namespace Energy.Gpu.Agents;

/// <summary>The agent's own guard of the site file: pool ranges, workloads per pool, the dead-man on a batch's validity.</summary>
public sealed partial class AgentCore
{
    /// <summary>A GPU's own range within its pool's: the agent never holds a GPU outside what the site file gives its pool.</summary>
    private static GpuPowerRange Within(GpuPowerRange own, GpuPowerRange pool)
    {
        var max = Contracts.Units.Power.Min(own.Max, pool.Max);
        var min = Contracts.Units.Power.Min(Contracts.Units.Power.Max(own.Min, pool.Min), max);
        return new GpuPowerRange(min, own.Idle, max);
    }

    /// <summary>Why the site file does not allow <paramref name="workload"/> on this GPU, or null when it does.</summary>
    private string? NotAllowed(IGpuDevice gpu, string? workload)
    {
        if (_options.Site is not { } site || workload is null)
        {
            return null;
        }

        if (_pools[gpu.Id] is not { } pool)
        {
            return $"GPU {gpu.Id}'s pool '{gpu.Pool}' is not in the site file";
        }

        var known = site.Workloads.FirstOrDefault(w => w.Name == workload);
        return known is null ? $"there is no workload '{workload}'"
            : !known.MayRunOn(pool) ? $"workload '{workload}' may not run on pool '{pool.Name}'"
            : null;
    }

    /// <summary>A batch is followed at most one dead-man period after it arrived, whatever it says: a controller that goes stops counting soon.</summary>
    private DateTimeOffset CutToDeadman(DateTimeOffset validUntil, DateTimeOffset now)
    {
        var latest = now + _options.Deadman;
        if (validUntil <= latest)
        {
            _validityCut = false;
            return validUntil;
        }

        if (!_validityCut)
        {
            _validityCut = true;
            Log.BatchValidityCut(_logger, Node, validUntil, _options.Deadman.TotalSeconds);
        }

        return latest;
    }
}
