using System.Text.Json;

namespace Energy.Scheduler.Audit;

/// <summary>
/// The audit trail: every write through the API and every automatic safety action, one entry each (who, role, from
/// where, when, what, before → after, why), append-only and hash-chained (<see cref="AuditChain"/>).
/// </summary>
public interface IAuditTrail
{
    /// <summary>
    /// Appends one entry, on the disk before it returns. <paramref name="what"/> is a stable dotted action name
    /// (<c>dr.curtail</c>, <c>safety.shed</c>…); <paramref name="before"/> and <paramref name="after"/> are serialized as JSON
    /// (camelCase), null as null. Never throws for the disk: a failed append raises the alarm <c>audit.write</c>.
    /// </summary>
    /// <returns>The entry's seq, or null when it could not be written.</returns>
    long? Record(AuditActor actor, string what, object? before, object? after, string? why);

    /// <summary>Entries after seq <paramref name="since"/>, newest first, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<JsonElement> Latest(int limit, long since);
}
