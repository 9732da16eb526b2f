using Energy.Contracts.Configuration;
using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Configuration;

public class SiteFileSyntaxErrorTests
{
    private static SiteFileText Bathhouse => SiteFileText.Bathhouse();

    [Fact]
    public void Parse_UnclosedFlowList_OneErrorAtTheBracket()
    {
        var text = Bathhouse.ReplaceLine(75, "pools: [liquid-h100]", "    pools: [liquid-h100");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 75, 12, string.Empty, "YAML syntax error");
    }

    [Fact]
    public void Parse_KeyIndentedOneSpaceTooFar_OneErrorOnThatLine()
    {
        var text = Bathhouse.ReplaceLine(25, "baseLoadKw: 60", "   baseLoadKw: 60");

        var error = SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 25, 4, string.Empty, "YAML syntax error");
        Assert.DoesNotContain("(Line:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestedKeyIndentedUnderAValue_OneErrorOnThatLine()
    {
        var text = Bathhouse.ReplaceLine(31, "gpuModel: H100 SXM 80GB", "      gpuModel: H100 SXM 80GB");

        var result = SiteFileAssert.Parse(text);

        Assert.Equal(31, Assert.Single(result.Errors).Line);
        Assert.Null(result.Site);
    }

    [Fact]
    public void Parse_DuplicateKey_OneErrorAtTheSecondKey()
    {
        var text = Bathhouse.ReplaceLine(26, "networkFeePerMwh: 25", "  importCapKw: 10");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 26, 3, string.Empty, "importCapKw");
    }

    [Fact]
    public void Parse_TabIndentation_ErrorOnTheLineWithTheTab()
    {
        var text = Bathhouse.ReplaceLine(25, "baseLoadKw: 60", "\tbaseLoadKw: 60");

        Assert.Equal(25, Assert.Single(SiteFileAssert.Parse(text).Errors).Line);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("# only a comment\n")]
    public void Parse_EmptyFile_OneErrorAtTheStart(string yaml)
    {
        SiteFileAssert.SingleError(SiteFile.Parse(yaml, SiteFileAssert.FileName), 1, 1, string.Empty, "the file is empty");
    }

    [Fact]
    public void Parse_ScalarInsteadOfMapping_OneErrorAtTheStart()
    {
        SiteFileAssert.SingleError(SiteFile.Parse("bathhouse\n", SiteFileAssert.FileName), 1, 1, string.Empty, "expected a mapping");
    }

    [Fact]
    public void Parse_TwoDocuments_ErrorAtTheSecondDocument()
    {
        var text = Bathhouse.Append("---", "site:", "  name: second");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 162, 1, string.Empty, "one YAML document");
    }

    [Fact]
    public void Load_MissingFile_ErrorInsteadOfException()
    {
        var path = Path.Combine(Path.GetTempPath(), $"heatgrid-{Guid.NewGuid():N}", "missing.yaml");

        var result = SiteFile.Load(path);

        var error = Assert.Single(result.Errors);
        Assert.Null(result.Site);
        Assert.Equal((path, 1, 1), (error.File, error.Line, error.Column));
        Assert.Contains("cannot read the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrThrow_MissingFile_ThrowsConfigExceptionWithTheErrors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"heatgrid-{Guid.NewGuid():N}", "missing.yaml");

        var e = Assert.Throws<ConfigException>(() => SiteFile.LoadOrThrow(path));

        Assert.Single(e.Errors);
        Assert.StartsWith(path + ":1:1: ", e.Message, StringComparison.Ordinal);
    }
}
