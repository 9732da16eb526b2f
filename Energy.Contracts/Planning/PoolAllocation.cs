using Energy.Contracts.Units;

namespace Energy.Contracts.Planning;

/// <summary>GPU power a pool gives one workload in a slot (GPU power, cooling not included).</summary>
public sealed record PoolAllocation(string Pool, string Workload, Power Power, int Gpus);
