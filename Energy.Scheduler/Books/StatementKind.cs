namespace Energy.Scheduler.Books;

/// <summary>Whom a statement is for.</summary>
public enum StatementKind
{
    /// <summary>A tenant: every workload billed to it.</summary>
    Tenant,

    /// <summary>A heat buyer: every heat loop it buys from.</summary>
    HeatBuyer,

    /// <summary>The facility: the whole site.</summary>
    Facility,
}
