using Energy.Scheduler.Books;

namespace Energy.Scheduler.Tests.Books;

/// <summary>What a statement may be asked for, and the sentences that refuse the rest (the same on the command line and over HTTP, each in its own argument names).</summary>
public sealed class StatementRequestTests
{
    private static StatementArguments Args(string? from = "2026-03-01", string? to = "2026-03-31", string? tenant = "acme", string? heatBuyer = null,
        bool facility = false, string? format = null) => new(from, to, tenant, heatBuyer, facility, format);

    [Fact]
    public void Parse_TenantWindowAndFormat_Accepted()
    {
        var (request, error) = StatementRequest.Parse(Args(format: "CSV"), StatementArgumentNames.Cli);

        Assert.Null(error);
        Assert.Equal(new StatementRequest(StatementParty.Tenant("acme"), new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), StatementFormat.Csv), request);
        Assert.Equal(31, request!.Days);
    }

    [Fact]
    public void Parse_NoFormat_Json() => Assert.Equal(StatementFormat.Json, StatementRequest.Parse(Args(), StatementArgumentNames.Http).Request!.Format);

    [Fact]
    public void Parse_AYearAndADay_366DaysAllowed367Not()
    {
        Assert.NotNull(StatementRequest.Parse(Args("2028-01-01", "2028-12-31"), StatementArgumentNames.Cli).Request);
        Assert.Equal("--from 2026-01-01 to --to 2027-01-02 is 367 days; a statement covers at most 366",
            StatementRequest.Parse(Args("2026-01-01", "2027-01-02"), StatementArgumentNames.Cli).Error);
    }

    [Theory]
    [InlineData("2026-13-01", "2026-03-31", "--from: expected a local date yyyy-MM-dd, got '2026-13-01'")]
    [InlineData("01.03.2026", "2026-03-31", "--from: expected a local date yyyy-MM-dd, got '01.03.2026'")]
    [InlineData(null, "2026-03-31", "--from: give a local date yyyy-MM-dd (the site's time zone)")]
    [InlineData("2026-03-01", "", "--to: give a local date yyyy-MM-dd (the site's time zone)")]
    [InlineData("2026-03-05", "2026-03-01", "--to 2026-03-01 is before --from 2026-03-05; the window is from the first local day to the last, inclusive")]
    public void Parse_BadDates_Refused(string? from, string? to, string expected) =>
        Assert.Equal(expected, StatementRequest.Parse(Args(from, to), StatementArgumentNames.Cli).Error);

    [Fact]
    public void Parse_NoParty_SaysWhichToGive() =>
        Assert.Equal("say whose statement: --tenant NAME, --heat-buyer NAME or --facility", StatementRequest.Parse(Args(tenant: null), StatementArgumentNames.Cli).Error);

    [Fact]
    public void Parse_TwoParties_Refused() =>
        Assert.Equal("give one party only, tenant NAME, heatBuyer NAME or facility=true; got tenant and facility=true",
            StatementRequest.Parse(Args(facility: true), StatementArgumentNames.Http).Error);

    [Fact]
    public void Parse_EmptyName_Refused() =>
        Assert.Equal("--heat-buyer: give the heat buyer's name", StatementRequest.Parse(Args(tenant: null, heatBuyer: " "), StatementArgumentNames.Cli).Error);

    [Fact]
    public void Parse_UnknownFormat_Refused() =>
        Assert.Equal("format: expected csv, json or md, got 'xlsx'", StatementRequest.Parse(Args(format: "xlsx"), StatementArgumentNames.Http).Error);
}
