using Energy.Scheduler.Planning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Energy.Scheduler.Api;

/// <summary>
/// What the API says about itself: its OpenAPI document at <c>GET /openapi/v1.json</c> (Microsoft.AspNetCore.OpenApi)
/// and the <see cref="HeatGridMetrics"/> at <c>GET /metrics</c> (OpenTelemetry's Prometheus exporter). Both are reads
/// like the rest of the API, under the same roles.
/// </summary>
public static class ApiObservability
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddApiObservability(this IServiceCollection services)
    {
        services.AddOpenApi("v1", o => o.AddDocumentTransformer<ApiDocumentTransformer>());
        services.AddSingleton<HeatGridMetrics>().AddSingleton<PlanSolveTimes>();
        services.AddOpenTelemetry().ConfigureResource(r => r.AddService("heatgrid")).WithMetrics(metrics => metrics
            .AddMeter(HeatGridMetrics.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        services.ConfigureOpenTelemetryMeterProvider((sp, builder) =>
        {
            // Another host's HeatGrid meter in the process (tests host several apps) would be merged into these series, its values winning: only this host's.
            var own = sp.GetRequiredService<HeatGridMetrics>().Meter;
            builder.AddView(i => i.Meter.Name == HeatGridMetrics.MeterName && !ReferenceEquals(i.Meter, own) ? MetricStreamConfiguration.Drop : null);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapApiObservability(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
        var services = endpoints.ServiceProvider;
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => Log.ObservabilityServed(
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiObservability).FullName!), services.GetRequiredService<RunOptions>().HttpUrl.TrimEnd('/')));
        return endpoints;
    }
}
