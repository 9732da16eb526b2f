using Energy.Contracts.Sites;

namespace Energy.Contracts.Configuration;

/// <summary>A loaded site, or the errors that stopped it from loading.</summary>
public sealed record SiteFileResult(Site? Site, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Site is not null && Errors.Count == 0;

    public Site GetSiteOrThrow() => IsValid ? Site! : throw new ConfigException(Errors);
}
