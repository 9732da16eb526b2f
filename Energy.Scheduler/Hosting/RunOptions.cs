using Energy.Contracts.Sites;

namespace Energy.Scheduler.Hosting;

/// <summary>What <c>heatgrid run</c> was asked to do.</summary>
/// <param name="Site">The loaded, validated site.</param>
/// <param name="SiteSource">Where the site came from (a file, or the built-in demo).</param>
/// <param name="HttpUrl">The URL Kestrel listens on, e.g. http://127.0.0.1:8080.</param>
/// <param name="DataFolder">Where the embedded store keeps its files.</param>
public sealed record RunOptions(Site Site, string SiteSource, string HttpUrl, string DataFolder);
