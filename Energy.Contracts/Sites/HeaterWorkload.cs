namespace Energy.Contracts.Sites;

/// <summary>GPU load run only for its heat: worth it when the heat is worth more than the power costs.</summary>
public sealed record HeaterWorkload(string Name, IReadOnlyList<string> Pools) : Workload(Name, Pools)
{
    public override WorkloadKind Kind => WorkloadKind.Heater;
}
