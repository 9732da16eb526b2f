using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Energy.Scheduler.Security;

/// <summary>
/// Authentication and roles on the HTTP API: API keys from <c>DATA/users.json</c> (<see cref="ApiKeyAuthenticationHandler"/>),
/// <see cref="ApiAccess"/>'s rules as the fallback policy of every endpoint, 429 for an address that failed too often,
/// and <c>GET /api/users</c> for an admin. Without users the API is open on loopback only; a start that would serve
/// it to the network without users is refused (<see cref="StartRefusal"/>).
/// </summary>
public static class ApiSecurity
{
    /// <summary>The default scheme: forwards to the API key's (a key in a header, or no cookie) or to the session cookie's.</summary>
    public const string CallerScheme = "Caller";

    public static IServiceCollection AddApiSecurity(this IServiceCollection services, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loopback = IsLoopback(options.HttpUrl);
        services.AddHttpContextAccessor();
        // The users in the data folder, or with --ha in the database the site's controllers share (read again every 2 s): same checks, same code.
        services.AddSingleton(sp => sp.GetService<Ha.HaDatabase>() is { } shared
            ? new UserDirectory(new Ha.PgUserRecords(shared), openWhenEmpty: loopback, sp.GetRequiredService<ILogger<UserDirectory>>(),
                sp.GetRequiredService<TimeProvider>(), UserDirectory.PollEvery)
            : new UserDirectory(options.DataFolder, openWhenEmpty: loopback, sp.GetRequiredService<ILogger<UserDirectory>>()));
        services.AddSingleton(sp => new FailedAuthentications(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FailedAuthentications>>(),
            sp.GetService<Telemetry.Health.Alarms>()));
        services.AddSingleton(sp => new BrowserSessions(sp.GetRequiredService<TimeProvider>()));

        // A key in a header is the key's; otherwise the browser's session cookie (which then needs a CSRF token for writes).
        services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, "API key or browser session", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(HeaderNames.Authorization) || context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.ApiKeyHeader)
                    || !context.Request.Cookies.ContainsKey(BrowserSessions.Cookie)
                    ? ApiClaims.Scheme
                    : SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiClaims.Scheme, null)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new ApiAccessRequirement()).Build());
        services.AddSingleton<IAuthorizationHandler, ApiAccessHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ApiAccessProblems>();
        return services;
    }

    /// <summary>The failed-authentication limit, then authentication and authorization, before any endpoint.</summary>
    public static WebApplication UseApiSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var failures = app.Services.GetRequiredService<FailedAuthentications>();
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.Equals("/health", StringComparison.OrdinalIgnoreCase)
                && failures.RetryAfter(ApiKeyAuthenticationHandler.RemoteAddress(context)) is { } wait)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem($"too many wrong API keys from this address ({FailedAuthentications.MaxFailures} within {FailedAuthentications.Window.TotalSeconds:0} s); try again in {seconds} s",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed authentications").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        app.UseAuthentication();
        app.UseCsrfCheck();                                                              // session-cookie writes carry X-CSRF-Token
        app.UseAuthorization();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var users = app.Services.GetRequiredService<UserDirectory>();
            var logger = app.Services.GetRequiredService<ILogger<UserDirectory>>();
            var url = app.Services.GetRequiredService<RunOptions>().HttpUrl;
            if (users.IsOpen)
            {
                Log.ApiOpen(logger, url, users.Where);
            }
            else
            {
                Log.ApiAuthenticated(logger, url, users.Users.Count, users.Where);
            }
        });
        return app;
    }

    /// <summary><c>GET /api/users</c> (admin): the users, their roles and their keys' ids; never a hash.</summary>
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/users", (UserDirectory users) => Results.Ok(users.Users.Select(u => new
        {
            u.Name,
            role = u.Role.Name(),
            u.Tenant,
            keys = u.Keys.Select(k => new { k.Id, k.Created }),
        }))).WithSummary("The users, their roles and key ids (admin)").Produces(StatusCodes.Status200OK);
        return endpoints;
    }

    /// <summary>Why a start on <paramref name="httpUrl"/> with <paramref name="dataFolder"/> must not go on, or null: the API would reach the network without users, or the users file cannot be read.</summary>
    public static string? StartRefusal(string httpUrl, string dataFolder) =>
        StartRefusal(httpUrl, new UsersFileRecords(UsersFile.PathIn(dataFolder)), $"--data {dataFolder}");

    /// <summary>As <see cref="StartRefusal(string, string)"/> for users kept in <paramref name="records"/>; <paramref name="usersArguments"/> are what <c>heatgrid users add</c> needs to reach them.</summary>
    public static string? StartRefusal(string httpUrl, IUserRecords records, string usersArguments)
    {
        ArgumentNullException.ThrowIfNull(records);
        var (users, problem) = records.Read();
        if (users is null)
        {
            return $"{problem}; nothing was started (the HTTP API would refuse every request)";
        }

        if (users.Count == 0 && !IsLoopback(httpUrl))
        {
            return $"--http {new Uri(httpUrl).Authority}: the HTTP API would answer the network without authentication, and no users are in {records.Where}. "
                + $"Add one first: heatgrid users add NAME --role admin {usersArguments} (it prints the key once), or listen on 127.0.0.1. Nothing was started.";
        }

        return null;
    }

    /// <summary>Whether <paramref name="httpUrl"/> listens on loopback only (localhost, 127.0.0.0/8, [::1]); 0.0.0.0, [::] and other names are not.</summary>
    public static bool IsLoopback(string httpUrl)
    {
        var host = new Uri(httpUrl).Host;
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
