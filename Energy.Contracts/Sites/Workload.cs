namespace Energy.Contracts.Sites;

/// <summary>A kind of work GPUs can be given. <see cref="Pools"/> lists where it may run; empty means every pool.</summary>
public abstract record Workload(string Name, IReadOnlyList<string> Pools)
{
    public abstract WorkloadKind Kind { get; }

    public bool MayRunOn(GpuPool pool) => Pools.Count == 0 || Pools.Contains(pool.Name);
}
