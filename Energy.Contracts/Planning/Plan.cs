namespace Energy.Contracts.Planning;

/// <summary>What the planner decided for the coming slots, and which planner decided it.</summary>
public sealed record Plan(string Site, string Planner, DateTimeOffset CreatedAt, IReadOnlyList<PlanSlot> Slots)
{
    /// <summary>The slot covering an instant, or null when the plan does not reach it.</summary>
    public PlanSlot? SlotAt(DateTimeOffset instant) =>
        Slots.FirstOrDefault(s => s.Start <= instant && instant < s.Start + s.Length);
}
