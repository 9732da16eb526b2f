using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>
/// A tenant's inference service. The tenant pays per GPU-hour for the GPUs it uses, wants at most
/// <see cref="DemandGpusByLocalHour"/> GPUs at a time, and is guaranteed <see cref="SlaMinGpus"/>.
/// </summary>
/// <param name="Tenant">Who is billed.</param>
/// <param name="PricePerGpuHour">Revenue per GPU-hour served.</param>
/// <param name="SlaMinGpus">GPUs guaranteed at every moment (shed only where policy allows).</param>
/// <param name="MaxGpus">Most GPUs the tenant has contracted.</param>
/// <param name="DemandGpusByLocalHour">24 values: GPUs wanted in each local hour of the day.</param>
public sealed record InferenceWorkload(
    string Name,
    IReadOnlyList<string> Pools,
    string Tenant,
    Money PricePerGpuHour,
    int SlaMinGpus,
    int MaxGpus,
    IReadOnlyList<int> DemandGpusByLocalHour) : Workload(Name, Pools)
{
    public override WorkloadKind Kind => WorkloadKind.Inference;

    /// <summary>GPUs the tenant wants at a moment, never below the SLA nor above the contract.</summary>
    public int DemandAt(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var hour = TimeZoneInfo.ConvertTime(instant, zone).Hour;
        return Math.Clamp(DemandGpusByLocalHour[hour], SlaMinGpus, MaxGpus);
    }
}
