using Energy.Contracts.Units;

namespace Energy.Gpu.Control;

/// <summary>
/// What the controller makes of a watt target: the power it holds (the request clamped to what the workload
/// reaches) and, when the request is out of reach, why and what to do instead.
/// </summary>
public sealed record PowerTargetStatus(Power Requested, Power Held, bool Reachable, string? Message);
