using Energy.Contracts.Configuration;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>Assertions on <see cref="SiteFileResult"/> that print every error when they fail.</summary>
internal static class SiteFileAssert
{
    public const string FileName = "site.yaml";

    public static SiteFileResult Parse(object yaml) => SiteFile.Parse(yaml.ToString()!, FileName);

    /// <summary>The file is invalid with exactly one error, at this place, mentioning <paramref name="messagePart"/>.</summary>
    public static ConfigError SingleError(SiteFileResult result, int line, int column, string field, string messagePart)
    {
        Assert.Null(result.Site);
        Assert.False(result.IsValid);
        Assert.True(result.Errors.Count == 1, "Expected one error, got:\n" + Describe(result));
        var error = result.Errors[0];
        AssertError(error, line, column, field, messagePart);
        return error;
    }

    /// <summary>The file is invalid and one of its errors is at this place, mentioning <paramref name="messagePart"/>.</summary>
    public static ConfigError HasError(SiteFileResult result, int line, int column, string field, string messagePart)
    {
        Assert.Null(result.Site);
        var error = result.Errors.FirstOrDefault(e => e.Line == line && e.Field == field);
        Assert.True(error is not null, $"Expected an error at line {line} for '{field}', got:\n" + Describe(result));
        AssertError(error, line, column, field, messagePart);
        return error;
    }

    public static void Valid(SiteFileResult result)
    {
        Assert.True(result.IsValid, "Expected a valid file, got:\n" + Describe(result));
        Assert.NotNull(result.Site);
        Assert.Empty(result.Errors);
    }

    private static void AssertError(ConfigError error, int line, int column, string field, string messagePart)
    {
        Assert.Equal(FileName, error.File);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Equal(field, error.Field);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    private static string Describe(SiteFileResult result) =>
        result.Errors.Count == 0 ? "(no errors)" : string.Join('\n', result.Errors);
}
