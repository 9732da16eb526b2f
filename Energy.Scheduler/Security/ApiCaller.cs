using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Energy.Scheduler.Security;

/// <summary>
/// Who is asking: the authenticated user and role (from the key's claims), or <c>anonymous</c> while the API is open,
/// and the remote address. <see cref="ToString"/> is how logs and curtailments name it: <c>http:alice/operator@10.0.0.9</c>.
/// </summary>
public sealed record ApiCaller(string Name, ApiRole? Role, string? Tenant, string Remote)
{
    public const string Anonymous = "anonymous";

    public static ApiCaller Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var remote = ApiKeyAuthenticationHandler.RemoteAddress(http);
        return ApiClaims.Role(http.User) is { } role
            ? new ApiCaller(http.User.FindFirstValue(ClaimTypes.Name) ?? Anonymous, role, http.User.FindFirstValue(ApiClaims.Tenant), remote)
            : new ApiCaller(Anonymous, null, null, remote);
    }

    public override string ToString() => Role is { } role ? $"http:{Name}/{role.Name()}@{Remote}" : $"http:{Name}@{Remote}";
}
