using Energy.Contracts.Configuration;
using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Configuration;

public class ConfigExceptionTests
{
    [Fact]
    public void ToString_ErrorWithField_PrintsFileLineColumnFieldAndMessage()
    {
        var error = new ConfigError("site.yaml", 24, 16, "grid.importCapKw", "expected a number");

        Assert.Equal("site.yaml:24:16: grid.importCapKw: expected a number", error.ToString());
    }

    [Fact]
    public void ToString_FileLevelError_OmitsTheField()
    {
        var error = new ConfigError("site.yaml", 1, 1, string.Empty, "the file is empty");

        Assert.Equal("site.yaml:1:1: the file is empty", error.ToString());
    }

    [Fact]
    public void Message_SeveralErrors_CountsAndListsEveryOne()
    {
        var errors = new[]
        {
            new ConfigError("a.yaml", 2, 3, "x", "first"),
            new ConfigError("a.yaml", 5, 1, "y", "second"),
        };

        var e = new ConfigException(errors);

        Assert.StartsWith("2 configuration errors:", e.Message, StringComparison.Ordinal);
        Assert.Contains("a.yaml:2:3: x: first", e.Message, StringComparison.Ordinal);
        Assert.Contains("a.yaml:5:1: y: second", e.Message, StringComparison.Ordinal);
        Assert.Same(errors, e.Errors);
    }

    [Fact]
    public void GetSiteOrThrow_InvalidFile_ThrowsWithEveryError()
    {
        var text = SiteFileText.Bathhouse()
            .ReplaceLine(24, "importCapKw: 900", "  importCapKw: -5")
            .ReplaceLine(40, "count: 256", "    count: lots");

        var result = SiteFile.Parse(text.ToString(), "bathhouse.yaml");

        var e = Assert.Throws<ConfigException>(result.GetSiteOrThrow);
        Assert.Equal(2, e.Errors.Count);
        Assert.Contains("bathhouse.yaml:24:16: grid.importCapKw:", e.Message, StringComparison.Ordinal);
        Assert.Contains("bathhouse.yaml:40:12: pools[1].count:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetSiteOrThrow_ValidFile_ReturnsTheSite()
    {
        var result = SiteFile.Parse(SiteFileText.DistrictHeat().ToString(), "district-heat.yaml");

        Assert.Equal("district-heat", result.GetSiteOrThrow().Name);
    }
}
