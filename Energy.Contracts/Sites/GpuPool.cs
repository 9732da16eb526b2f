using Energy.Contracts.Units;

namespace Energy.Contracts.Sites;

/// <summary>
/// GPUs of one model on one cooling path. The optimizer plans per pool, never per GPU.
/// </summary>
/// <param name="Name">Unique pool name.</param>
/// <param name="GpuModel">Marketing name, e.g. "H100 SXM".</param>
/// <param name="Count">Number of GPUs.</param>
/// <param name="MinPowerPerGpu">Lowest power a working GPU can be held at (the NVML minimum limit).</param>
/// <param name="IdlePowerPerGpu">Power of a powered-on GPU with no work.</param>
/// <param name="MaxPowerPerGpu">Highest power per GPU (the enforced power limit).</param>
/// <param name="HeatLoop">The heat loop this pool's coolant feeds; null for air-cooled pools whose heat is rejected.</param>
/// <param name="CoolingOverhead">Extra grid power per unit of GPU power for fans, chillers and pumps (0.05 = 5 %).</param>
public sealed record GpuPool(
    string Name,
    string GpuModel,
    int Count,
    Power MinPowerPerGpu,
    Power IdlePowerPerGpu,
    Power MaxPowerPerGpu,
    string? HeatLoop,
    double CoolingOverhead)
{
    public Power MaxPower => MaxPowerPerGpu * Count;

    public Power IdlePower => IdlePowerPerGpu * Count;

    /// <summary>The power range of this pool's GPUs, as the site file gives it.</summary>
    public GpuPowerRange Range => new(MinPowerPerGpu, IdlePowerPerGpu, MaxPowerPerGpu);

    /// <summary>
    /// Grid power per unit of GPU power in this pool: the GPU's own draw plus fans, chillers and pumps.
    /// The one place the cooling overhead is applied; everything else goes through it or <see cref="GridPowerFor"/>.
    /// </summary>
    public double GridFactor => 1 + CoolingOverhead;

    /// <summary>Grid power drawn for a given GPU power in this pool, cooling included.</summary>
    public Power GridPowerFor(Power gpuPower) => gpuPower * GridFactor;
}
