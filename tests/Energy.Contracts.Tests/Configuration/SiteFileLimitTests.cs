using System.Text;
using Energy.Contracts.Configuration;
using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>Files that would exhaust the stack, memory or the planner are refused before anything starts, located as every other error.</summary>
public class SiteFileLimitTests
{
    private static SiteFileText Bathhouse => SiteFileText.Bathhouse();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Parse_NestingAHundredThousandDeep_IsOneErrorNotAStackOverflow(bool flow)
    {
        const int depth = 100_000;
        var yaml = new StringBuilder("site:\n  name: deep\nx: ");
        if (flow)
        {
            yaml.Append('[', depth).Append(']', depth);
        }
        else
        {
            // Block style: each "- " opens a list inside the one before it.
            yaml.Append('\n').Insert(yaml.Length, "- ", depth).Append('1');
        }

        var result = SiteFileAssert.Parse(yaml);

        var error = Assert.Single(result.Errors);
        Assert.Null(result.Site);
        Assert.Contains($"deeper than {SiteFileLimits.MaxDepth} levels", error.Message, StringComparison.Ordinal);
        Assert.Equal(flow ? 3 : 4, error.Line);
    }

    [Fact]
    public void Parse_AliasesThatExpandToBillions_AreRefused()
    {
        // Nine levels of ten aliases each: 10^9 values from a dozen lines.
        var yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= 9; i++)
        {
            yaml.Append($"a{i}: &a{i} [").AppendJoin(", ", Enumerable.Repeat($"*a{i - 1}", 10)).Append("]\n");
        }

        var error = Assert.Single(SiteFileAssert.Parse(yaml).Errors);
        Assert.Contains("aliases expanded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ACountOfTwoBillionGpus_IsAnErrorAtTheValue()
    {
        var text = Bathhouse.ReplaceLine(40, "count: 256", "    count: 2000000000");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 40, 12, "pools[1].count", $"between 1 and {SiteFileLimits.MaxGpus}");
    }

    [Fact]
    public void Parse_PoolsThatTogetherHoldTooManyGpus_AreAnErrorAtThePools()
    {
        var text = Bathhouse.ReplaceLine(40, "count: 256", $"    count: {SiteFileLimits.MaxGpus}");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 30, 3, "pools", "GPUs together");
    }

    [Fact]
    public void Parse_AGpuOfAMegawatt_IsAnErrorAtTheValue()
    {
        var text = Bathhouse.ReplaceLine(43, "maxPowerW:", "    maxPowerW: 1000000");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 43, 16, "pools[1].maxPowerW", "expected a number (W)");
    }

    [Fact]
    public void Parse_AListOfTooManyItems_IsAnErrorAtTheList()
    {
        var text = Bathhouse.ReplaceLine(89, "pools: [liquid-h100]",
            "    pools: [" + string.Join(", ", Enumerable.Repeat("liquid-h100", SiteFileLimits.MaxListItems + 1)) + "]");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 89, 12, "workloads[2].pools", $"at most {SiteFileLimits.MaxListItems:N0}");
    }

    [Fact]
    public void Parse_AHugeName_IsAnErrorAtTheValue()
    {
        var text = Bathhouse.ReplaceLine(38, "name: air-l40s", "  - name: " + new string('n', SiteFileLimits.MaxTextLength + 1));

        SiteFileAssert.HasError(SiteFileAssert.Parse(text), 38, 11, "pools[1].name", "characters; at most");
    }

    [Fact]
    public void Load_AFileLargerThanTheLimit_IsRefusedWithoutReadingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"heatgrid-big-{Guid.NewGuid():N}.yaml");
        try
        {
            using (var file = File.Create(path))
            {
                file.SetLength(SiteFileLimits.MaxBytes + 1L);
            }

            var error = Assert.Single(SiteFile.Load(path).Errors);
            Assert.Equal((path, 1, 1), (error.File, error.Line, error.Column));
            Assert.Contains("at most", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_TheExamples_StayWithinEveryLimit()
    {
        SiteFileAssert.Valid(SiteFileAssert.Parse(Bathhouse));
        SiteFileAssert.Valid(SiteFileAssert.Parse(SiteFileText.DistrictHeat()));
    }
}
