using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Energy.Scheduler.Security;

/// <summary>The API's one authorization requirement (the fallback policy, so every endpoint has it): what <see cref="ApiAccess"/> decides.</summary>
public sealed class ApiAccessRequirement : IAuthorizationRequirement;

/// <summary>Checks <see cref="ApiAccessRequirement"/> for a request; everything passes while the API <see cref="UserDirectory.IsOpen"/>.</summary>
public sealed class ApiAccessHandler(UserDirectory users, IHttpContextAccessor accessor) : AuthorizationHandler<ApiAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiAccessRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (users.IsOpen)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        if ((context.Resource as HttpContext ?? accessor.HttpContext) is not { } http)
        {
            context.Fail(new AuthorizationFailureReason(this, "no request to decide on"));
            return Task.CompletedTask;
        }

        var decision = ApiAccess.Decide(http.Request.Method, http.Request.Path, http.Request.Query, context.User);
        if (decision.Outcome == AccessOutcome.Allowed)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, decision.Reason ?? "a key is needed"));
        }

        return Task.CompletedTask;
    }
}
