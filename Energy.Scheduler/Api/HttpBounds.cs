using System.Net;
using Energy.Telemetry.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Energy.Scheduler.Api;

/// <summary>
/// What the HTTP API takes, at most, and from whom: bodies up to <see cref="MaxRequestBodyBytes"/>, Kestrel's header,
/// line and connection limits tightened for a small control API, and only requests whose <c>Host</c> is one
/// the API answers to (<see cref="AllowedHosts"/>: a guard against DNS rebinding, where a web page's own host
/// name is pointed at 127.0.0.1). Every error answer is a ProblemDetails body (<c>application/problem+json</c>),
/// including JSON that does not bind (malformed, wrong types, too deep) and a body that is too large.
/// </summary>
public static class HttpBounds
{
    /// <summary>The largest request body: a curtailment is a few hundred bytes.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public const int MaxConcurrentConnections = 256;

    public const string HostAlarmKey = "http.host";

    /// <summary>Kestrel's limits, ProblemDetails for every error, binding failures as 400s with the reason, and the allowed hosts.</summary>
    public static WebApplicationBuilder AddHttpBounds(this WebApplicationBuilder builder, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var limits = kestrel.Limits;
            limits.MaxRequestBodySize = MaxRequestBodyBytes;
            limits.MaxRequestHeadersTotalSize = 16 * 1024;
            limits.MaxRequestHeaderCount = 50;
            limits.MaxRequestLineSize = 8 * 1024;
            limits.MaxConcurrentConnections = MaxConcurrentConnections;
            limits.MaxConcurrentUpgradedConnections = 16;
            limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
            limits.Http2.MaxStreamsPerConnection = 32;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestProblems>();
        builder.Services.AddExceptionHandler<SharedDatabaseProblems>();                     // --ha: the database away is a 503, not a 500
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);   // the reason reaches the answer (BadRequestProblems)
        builder.Services.AddSingleton(new AllowedHosts(options.HttpUrl, options.AllowedHosts));
        return builder;
    }

    /// <summary>Errors as ProblemDetails, then the host check and the body limit, before any endpoint.</summary>
    public static WebApplication UseHttpBounds(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var allowed = app.Services.GetRequiredService<AllowedHosts>();
        var alarms = app.Services.GetService<Alarms>();
        app.Use(async (context, next) =>
        {
            if (!allowed.Allows(context.Request.Host))
            {
                var host = context.Request.Host.Host;
                var shown = host.Length <= 100 ? host : host[..100] + "…";
                alarms?.Raise(HostAlarmKey, $"requests for a host this API does not answer to (latest: '{shown}' from {context.Connection.RemoteIpAddress}) were refused");
                await Results.Problem($"Host '{shown}' is not one this API answers to (a guard against DNS rebinding); allowed: {allowed}. "
                    + "Add a name with --allowed-hosts.", statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
                return;
            }

            // Kestrel stops a longer body as it is read; a declared length is refused before reading anything (and under the test server too).
            if (context.Request.ContentLength > (context.Request.Path.Equals(Pouw.PouwApi.TicketsPath, StringComparison.OrdinalIgnoreCase)
                ? Pouw.PouwApi.MaxTicketBodyBytes : MaxRequestBodyBytes))
            {
                await TooLarge(context.Request.ContentLength.Value).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    internal static IResult TooLarge(long? bytes) => Results.Problem(
        $"The request body{(bytes is { } b ? $" ({b} bytes)" : string.Empty)} is larger than this API takes ({MaxRequestBodyBytes} bytes).",
        statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>
    /// The hosts the API answers to: the one it listens on, localhost, 127.0.0.1 and [::1], and those given with
    /// <c>--allowed-hosts</c> (patterns as ASP.NET Core's host filtering takes them: <c>*.example.org</c>, or <c>*</c> for any).
    /// Listening on every address (0.0.0.0, [::]), any IP literal is answered too: a literal cannot be rebound, only a name.
    /// </summary>
    public sealed class AllowedHosts
    {
        private readonly List<StringSegment> _patterns;
        private readonly bool _anyIpLiteral;

        public AllowedHosts(string httpUrl, IReadOnlyList<string> extra)
        {
            ArgumentNullException.ThrowIfNull(extra);
            var listen = new Uri(httpUrl).Host;
            _anyIpLiteral = listen is "0.0.0.0" or "[::]" or "*" or "+";
            var hosts = new List<string> { "localhost", "127.0.0.1", "[::1]" };
            if (!_anyIpLiteral)
            {
                hosts.Add(listen);
            }

            hosts.AddRange(extra.Select(h => h.Trim()).Where(h => h.Length > 0));
            _patterns = [.. hosts.Distinct(StringComparer.OrdinalIgnoreCase).Select(h => new StringSegment(h))];
        }

        public bool Allows(HostString host)
        {
            if (!host.HasValue)
            {
                return true;   // HTTP/1.0 without a Host header: no browser sends that, so no page can rebind it
            }

            if (HostString.MatchesAny(new StringSegment(host.Host), _patterns))
            {
                return true;
            }

            return _anyIpLiteral && IPAddress.TryParse(host.Host.Trim('[', ']'), out _);
        }

        public override string ToString() => string.Join(", ", _patterns) + (_anyIpLiteral ? ", any IP address" : string.Empty);
    }
}
