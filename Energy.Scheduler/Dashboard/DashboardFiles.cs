using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Energy.Scheduler.Dashboard;

/// <summary>
/// The dashboard's page at <c>/</c>: the files the build of <c>dashboard/</c> (npm, Vite) wrote, embedded in this assembly
/// (resources <c>wwwroot.NAME</c>, one folder), so <c>dotnet Energy.Scheduler.dll</c> serves them from wherever it runs,
/// offline. Served before authentication: the page holds no data (it asks the API, which checks who asks) and must show
/// its login form to a visitor without a session. The hashed assets are cached for a year, the page itself is revalidated.
/// </summary>
public static class DashboardFiles
{
    public const string ResourcePrefix = "wwwroot";

    /// <summary>The embedded files; empty in a build without the dashboard (then <c>/</c> is a 404, as before).</summary>
    public static IFileProvider Provider { get; } = new EmbeddedFileProvider(typeof(DashboardFiles).Assembly, ResourcePrefix);

    /// <summary>Whether this build carries the page.</summary>
    public static bool Present => Provider.GetFileInfo("index.html").Exists;

    public static WebApplication UseDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = Provider });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = Provider,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers[HeaderNames.CacheControl] = context.File.Name.Equals("index.html", StringComparison.Ordinal)
                    ? "no-cache"
                    : "public, max-age=31536000, immutable";
                headers.XContentTypeOptions = "nosniff";
                headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
                headers["Referrer-Policy"] = "no-referrer";
            },
        });
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILogger<RunOptions>>();
            var url = app.Services.GetRequiredService<RunOptions>().HttpUrl;
            if (Present)
            {
                Log.DashboardServed(logger, url);
            }
            else
            {
                Log.DashboardMissing(logger, url);
            }
        });
        return app;
    }

    /// <summary>The assembly's resource names of the page (for a check that the build embedded it).</summary>
    internal static IEnumerable<string> ResourceNames(Assembly assembly) =>
        assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix + ".", StringComparison.Ordinal));
}
