using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Energy.Scheduler.Security;

/// <summary>
/// Who may do what on the HTTP API, in one place, for every path (also those added later, and unknown ones):
/// <list type="bullet">
/// <item><c>/health</c>: anyone, without a key; <c>/api/session</c> (the browser's login) too: it checks the key itself.</item>
/// <item><c>/api/users…</c>: admin.</item>
/// <item><c>/api/audit</c>: operator and admin (it names who did what, and from which address).</item>
/// <item><c>GET /api/statements</c>: operator and admin any; a tenant only <c>?tenant=</c> its own; an integrator heat buyers' (<c>?heatBuyer=</c>).</item>
/// <item><c>GET /api/tenants/{tenant}</c>: a tenant only its own; every other role that reads.</item>
/// <item>Other reads (GET, HEAD): viewer, integrator, operator, admin, and the broker's machine identities (controller, agent),
/// which get no more than a viewer; not a tenant, since they show every tenant's workloads.</item>
/// <item><c>/api/pouw…</c> (proof of useful work): reads as other reads, and a tenant its own (<c>GET /api/pouw</c>, shown only its
/// tenant; <c>GET /api/pouw/jobs/{tenant}/…</c> of its tenant); <c>POST /api/pouw/jobs</c> operator, admin, or a tenant (the endpoint
/// holds it to its own tenant in the body); batches and tickets operator, admin or agent (the inference server and the miners).</item>
/// <item>Writes (every other method): operator and admin.</item>
/// </list>
/// </summary>
public static class ApiAccess
{
    public static AccessDecision Decide(string method, PathString path, IQueryCollection query, ClaimsPrincipal? user)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (path.Equals("/health", StringComparison.OrdinalIgnoreCase) || path.Equals("/api/session", StringComparison.OrdinalIgnoreCase))
        {
            return AccessDecision.Allow;
        }

        if (ApiClaims.Role(user) is not { } role)
        {
            return AccessDecision.NeedsKey;
        }

        var read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (path.StartsWithSegments("/api/users", StringComparison.OrdinalIgnoreCase))
        {
            return role == ApiRole.Admin ? AccessDecision.Allow : Forbid(role, "users and keys are for an admin");
        }

        if (path.StartsWithSegments("/api/audit", StringComparison.OrdinalIgnoreCase))
        {
            return role is ApiRole.Operator or ApiRole.Admin ? AccessDecision.Allow : Forbid(role, "the audit trail is for an operator or admin");
        }

        if (path.StartsWithSegments("/api/pouw", StringComparison.OrdinalIgnoreCase, out var pouw))
        {
            return Pouw(method, pouw, query, role, user!.FindFirstValue(ApiClaims.Tenant));
        }

        if (!read)
        {
            return role is ApiRole.Operator or ApiRole.Admin ? AccessDecision.Allow : Forbid(role, $"{method} needs an operator or admin");
        }

        if (path.StartsWithSegments("/api/statements", StringComparison.OrdinalIgnoreCase))
        {
            return Statement(role, user!.FindFirstValue(ApiClaims.Tenant), query);
        }

        if (role == ApiRole.Tenant && TenantOf(path) is { } asked)
        {
            var own = user!.FindFirstValue(ApiClaims.Tenant);
            return string.Equals(asked, own, StringComparison.Ordinal)
                ? AccessDecision.Allow
                : Forbid(role, $"a tenant key reads only its own tenant's view (GET /api/tenants/{own})");
        }

        return role == ApiRole.Tenant
            ? Forbid(role, "a tenant reads only its own view (GET /api/tenants/NAME) and statements (GET /api/statements?tenant=NAME&from=…&to=…)")
            : AccessDecision.Allow;
    }

    /// <summary>The tenant of <c>/api/tenants/{tenant}</c> (the request path is already unescaped, as routing binds it), or null for any other path.</summary>
    private static string? TenantOf(PathString path)
    {
        if (!path.StartsWithSegments("/api/tenants", StringComparison.OrdinalIgnoreCase, out var rest) || !rest.HasValue)
        {
            return null;
        }

        var segments = rest.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length == 1 ? segments[0] : null;
    }

    private static AccessDecision Pouw(string method, PathString rest, IQueryCollection query, ApiRole role, string? ownTenant)
    {
        var segments = (rest.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            if (role != ApiRole.Tenant)
            {
                return AccessDecision.Allow;
            }

            var asked = segments.Length == 0 ? Given(query, "tenant") ?? ownTenant : segments is ["jobs", var t, ..] ? t : null;
            return ownTenant is not null && string.Equals(asked?.Trim(), ownTenant, StringComparison.Ordinal)
                ? AccessDecision.Allow
                : Forbid(role, $"a tenant key reads only its own tenant's proof of useful work (GET /api/pouw, GET /api/pouw/jobs/{ownTenant}/JOB/header)");
        }

        if (role is ApiRole.Operator or ApiRole.Admin)
        {
            return AccessDecision.Allow;
        }

        var post = HttpMethods.IsPost(method);
        return segments switch
        {
            _ when !post => Forbid(role, $"{method} needs an operator or admin"),
            ["jobs"] when role == ApiRole.Tenant => AccessDecision.Allow,
            ["jobs", _, _, "batches"] or ["tickets"] when role == ApiRole.Agent => AccessDecision.Allow,
            ["jobs"] => Forbid(role, "registering a PoUW job needs an operator, an admin or the tenant itself"),
            _ => Forbid(role, "logging batches and submitting PoUW tickets needs an operator, an admin or an agent"),
        };
    }

    private static AccessDecision Statement(ApiRole role, string? ownTenant, IQueryCollection query)
    {
        if (role is ApiRole.Operator or ApiRole.Admin)
        {
            return AccessDecision.Allow;
        }

        var tenant = Given(query, "tenant");
        var heatBuyer = Given(query, "heatBuyer");
        var facility = query.ContainsKey("facility");
        var one = (tenant is not null ? 1 : 0) + (heatBuyer is not null ? 1 : 0) + (facility ? 1 : 0) == 1;
        return role switch
        {
            ApiRole.Tenant when one && ownTenant is not null && string.Equals(tenant?.Trim(), ownTenant, StringComparison.Ordinal) => AccessDecision.Allow,
            ApiRole.Tenant => Forbid(role, $"a tenant key reads only the statements of its own tenant (tenant={ownTenant})"),
            ApiRole.Integrator when one && heatBuyer is not null => AccessDecision.Allow,
            ApiRole.Integrator => Forbid(role, "an integrator reads the statements of heat buyers (heatBuyer=NAME)"),
            _ => Forbid(role, "statements are for the tenant itself, an integrator (heat buyers) or an operator"),
        };
    }

    /// <summary>The one value of a query parameter (keys compare as the binder does, ignoring case); a repeated one reads as no match.</summary>
    private static string? Given(IQueryCollection query, string name) => query.TryGetValue(name, out var values)
        ? values.Count == 1 ? values[0] ?? string.Empty : "\0repeated"
        : null;

    private static AccessDecision Forbid(ApiRole role, string why) => new(AccessOutcome.Forbidden, $"{why}; this key's role is {role.Name()}");
}

/// <summary>What <see cref="ApiAccess"/> decided, and why when it refused.</summary>
public readonly record struct AccessDecision(AccessOutcome Outcome, string? Reason)
{
    public static AccessDecision Allow => new(AccessOutcome.Allowed, null);

    public static AccessDecision NeedsKey => new(AccessOutcome.NeedsKey, null);
}

/// <summary>Allowed; refused for want of a key (401); refused for the key's role (403).</summary>
public enum AccessOutcome
{
    Allowed,
    NeedsKey,
    Forbidden,
}
