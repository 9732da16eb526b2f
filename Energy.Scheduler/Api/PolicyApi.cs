using System.Text.Json;
using Energy.Contracts.Configuration;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Energy.Scheduler.Api;

/// <summary>
/// The operator policy at run time: <c>GET /api/policy</c>, <c>GET /api/policy/versions</c>, <c>PUT /api/policy</c> and
/// <c>POST /api/policy/rollback</c> (roles: <see cref="Security.ApiAccess"/>, reads viewer and up, writes operator and admin).
/// A change is checked by the site file's reader, saved, applied and re-planned on before the answer comes.
/// </summary>
public static class PolicyApi
{
    /// <summary>The longest reason kept with a version.</summary>
    public const int MaxReasonLength = 500;

    public static IEndpointRouteBuilder MapPolicyApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/policy", (PolicyState policy) => Results.Ok(policy.InForce.Version))
            .WithSummary("The operator policy in force, its version and who changed it").Produces<PolicyVersion>();

        endpoints.MapGet("/api/policy/versions", (PolicyState policy) => Results.Ok(new { versions = policy.Versions() }))
            .WithSummary("Every version of the operator policy, newest first").Produces(StatusCodes.Status200OK);

        endpoints.MapPut("/api/policy", async (PolicyChangeBody body, PolicyState policy, HttpContext http, IServiceProvider services) =>
        {
            if (Refused(body.Reason) is { } refused)
            {
                return refused;
            }

            if (body.Policy is not { ValueKind: not JsonValueKind.Null } given)
            {
                return Invalid([new ConfigError("request", 1, 1, PolicySection.Path, "missing required field 'policy' (expected a mapping of fields)")]);
            }

            return await AnswerAsync(policy.Change(given, Trim(body.Reason), body.BaseVersion, AuditActor.Of(http)), services);
        }).WithSummary("Change the operator policy (the site file's policy keys; those left out keep their value, null removes a limit)")
            .Produces<PolicyVersion>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        endpoints.MapPost("/api/policy/rollback", async (PolicyRollbackBody body, PolicyState policy, HttpContext http, IServiceProvider services) =>
        {
            if (Refused(body.Reason) is { } refused)
            {
                return refused;
            }

            if (body.Version is not { } version)
            {
                return Invalid([new ConfigError("request", 1, 1, "version", "missing required field 'version' (the policy version to go back to)")]);
            }

            return await AnswerAsync(policy.Rollback(version, Trim(body.Reason), body.BaseVersion, AuditActor.Of(http)), services);
        }).WithSummary("Go back to an earlier policy version: a new version with its policy")
            .Produces<PolicyVersion>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<IResult> AnswerAsync(PolicyChangeResult result, IServiceProvider services)
    {
        switch (result.Outcome)
        {
            case PolicyChangeOutcome.Changed:
                // Re-plan at once, before answering: the plan that GET /api/plan shows next was made under the new version.
                if (services.GetService<PlanningService>() is { } planning)
                {
                    await planning.PlanGuardedAsync(services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
                }

                return Results.Ok(result.Version);
            case PolicyChangeOutcome.Unchanged:
                return Results.Ok(result.Version);
            case PolicyChangeOutcome.Conflict:
                return Results.Problem(Detail(result.Errors), statusCode: StatusCodes.Status409Conflict, title: "Not the version in force",
                    extensions: new Dictionary<string, object?> { ["version"] = result.Version.Version });
            case PolicyChangeOutcome.NotSaved:
                return Results.Problem(Detail(result.Errors) + "; the policy in force is unchanged", statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Not saved");
            default:
                return Invalid(result.Errors);
        }
    }

    /// <summary>400 with the site file's own texts: <c>detail</c> all of them, <c>errors</c> each with its field.</summary>
    private static IResult Invalid(IReadOnlyList<ConfigError> errors) => Results.Problem(Detail(errors), statusCode: StatusCodes.Status400BadRequest,
        title: "Invalid policy", extensions: new Dictionary<string, object?>
        {
            ["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToList(),
        });

    private static string Detail(IReadOnlyList<ConfigError> errors) => string.Join("; ", errors.Select(PolicyState.Text));

    private static IResult? Refused(string? reason) => reason is { Length: > MaxReasonLength }
        ? Invalid([new ConfigError("request", 1, 1, "reason", $"the text is {reason.Length:N0} characters; at most {MaxReasonLength:N0} are allowed")])
        : null;

    private static string? Trim(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();

    /// <summary>The body of <c>PUT /api/policy</c>: the site file's policy keys, why, and the version the change was made on (409 when another is in force).</summary>
    public sealed record PolicyChangeBody(JsonElement? Policy, string? Reason, int? BaseVersion);

    /// <summary>The body of <c>POST /api/policy/rollback</c>: the version whose policy comes back, why, and optionally the version in force.</summary>
    public sealed record PolicyRollbackBody(int? Version, string? Reason, int? BaseVersion);
}
