using Energy.Contracts.Configuration;
using Energy.Contracts.Sites;
using Energy.Scheduler.Cli;

namespace Energy.Scheduler.Tests;

/// <summary>The built-in bathhouse demo site, and variants of it.</summary>
internal static class TestSites
{
    public static Site Bathhouse() => SiteFile.Parse(RunCommand.DemoSite(), "bathhouse.yaml").GetSiteOrThrow();

    /// <summary>The bathhouse with one line of its YAML replaced.</summary>
    public static Site BathhouseWith(string find, string replace)
    {
        var yaml = RunCommand.DemoSite();
        Assert.Contains(find, yaml, StringComparison.Ordinal);
        return SiteFile.Parse(yaml.Replace(find, replace, StringComparison.Ordinal), "variant.yaml").GetSiteOrThrow();
    }
}
