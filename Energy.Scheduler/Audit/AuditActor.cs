using Energy.Scheduler.Security;
using Microsoft.AspNetCore.Http;

namespace Energy.Scheduler.Audit;

/// <summary>Who did something, as the audit trail keeps it: a name, a role (null when none), and from where.</summary>
/// <param name="Who">The user's name, "anonymous" while the API is open, "controller" for what HeatGrid does by itself.</param>
/// <param name="From">The remote address, or "controller" for automatic actions.</param>
public sealed record AuditActor(string Who, string? Role, string From)
{
    /// <summary>The control loop's own safety actions.</summary>
    public static readonly AuditActor Controller = new("controller", "system", "controller");

    /// <summary>The caller of an HTTP request as the API's one seam names it (<see cref="ApiCaller"/>): user, role, remote address.</summary>
    public static AuditActor Of(HttpContext http) => Of(ApiCaller.Of(http));

    public static AuditActor Of(ApiCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new AuditActor(caller.Name, caller.Role?.Name(), caller.Remote);
    }
}
