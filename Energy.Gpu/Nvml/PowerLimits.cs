using Energy.Contracts.Units;

namespace Energy.Gpu.Nvml;

/// <summary>The board's power-limit range, its factory default and the limit in force now.</summary>
public readonly record struct PowerLimits(Power Min, Power Max, Power Default, Power Enforced);
