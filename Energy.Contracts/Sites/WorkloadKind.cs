namespace Energy.Contracts.Sites;

/// <summary>What GPU power can be spent on.</summary>
public enum WorkloadKind
{
    /// <summary>AI inference for a tenant: earns per GPU-hour, bounded by demand and SLA.</summary>
    Inference,

    /// <summary>Proof-of-work or proof-of-useful-work mining: earns per unit of work, always available, first to shed.</summary>
    Mining,

    /// <summary>Compute with no revenue, run only for its heat.</summary>
    Heater,
}
