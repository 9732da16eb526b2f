namespace Energy.Scheduler.Security;

/// <summary>One user of the HTTP API: its name, role, for a tenant the tenant it may see (as the site file's <c>tenant:</c>), and its keys.</summary>
public sealed record ApiUser(string Name, ApiRole Role, string? Tenant, IReadOnlyList<ApiKeyRecord> Keys);

/// <summary>A key as kept at rest: its id, the SHA-256 of its secret (hex) and when it was made; never the secret.</summary>
public sealed record ApiKeyRecord(string Id, string SecretSha256, DateTimeOffset Created);
