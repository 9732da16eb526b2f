using System.Security.Claims;

namespace Energy.Scheduler.Security;

/// <summary>The claims an API key gives: <see cref="ClaimTypes.Name"/>, <see cref="ClaimTypes.Role"/> (lower case), <see cref="Tenant"/> and <see cref="KeyId"/>.</summary>
public static class ApiClaims
{
    public const string Tenant = "tenant";
    public const string KeyId = "hg:key";
    public const string Scheme = "ApiKey";

    public static ClaimsPrincipal Principal(ApiUser user, string keyId)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim> { new(ClaimTypes.Name, user.Name), new(ClaimTypes.Role, user.Role.Name()), new(KeyId, keyId) };
        if (user.Tenant is { } tenant)
        {
            claims.Add(new Claim(Tenant, tenant));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }

    /// <summary>The role of an authenticated principal; null for anyone else, or a role this build does not know.</summary>
    public static ApiRole? Role(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && ApiRoles.TryParse(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;
}
