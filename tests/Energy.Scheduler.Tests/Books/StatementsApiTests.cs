using System.Net;
using System.Text.Json;
using Energy.Scheduler.Api;
using Energy.Scheduler.Books;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static Energy.Scheduler.Tests.Books.StatementTestLedger;

namespace Energy.Scheduler.Tests.Books;

/// <summary><c>GET /api/statements</c> through an in-memory server (no sockets), on a ledger in DI or none.</summary>
public sealed class StatementsApiTests
{
    private static readonly StatementTestLedger Ledger = new(
        Slot(Utc(2026, 6, 1, 8), site: Site(importKwh: 10, meteredKwh: 10, energyCost: 2), workloads: [Workload("llm", "acme", gpuHours: 2, revenue: 4)],
            loops: [Loop("pool", "spa", kwh: 30, supplyC: 71, revenue: 1.5)]));

    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> GetAsync(string query, ILedgerReader? ledger = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddProblemDetails();
        if (ledger is not null)
        {
            builder.Services.AddSingleton(ledger);
        }

        await using var app = builder.Build();
        app.MapStatementsApi();
        await app.StartAsync();
        using var client = app.GetTestClient();
        using var response = await client.GetAsync(new Uri("/api/statements" + query, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        await app.StopAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }

    private static string Detail(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task Get_TenantJson_TheStatement()
    {
        var (status, type, body) = await GetAsync("?from=2026-06-01&to=2026-06-01&tenant=acme", Ledger);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", type);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("acme", json.RootElement.GetProperty("party").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("total").GetProperty("amount").GetDouble());
        Assert.Equal(24, json.RootElement.GetProperty("hourly").GetArrayLength());
    }

    [Fact]
    public async Task Get_HeatBuyerCsv_TextCsv()
    {
        var (status, type, body) = await GetAsync("?from=2026-06-01&to=2026-06-01&heatBuyer=spa&format=csv", Ledger);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/csv", type);
        var rows = StatementFormatsTests.ParseCsv(body);
        Assert.Equal("30", rows[^1][rows[0].IndexOf("heatKwh")]);
    }

    [Fact]
    public async Task Get_FacilityMarkdown_TextMarkdown()
    {
        var (status, type, body) = await GetAsync("?from=2026-06-01&to=2026-06-01&facility=true&format=md", Ledger);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/markdown", type);
        Assert.StartsWith("# Statement: facility\n", body, StringComparison.Ordinal);
        Assert.Contains("| Net (EUR) | 3.50 |", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?from=2026-02-30&to=2026-03-01&tenant=acme", "from: expected a local date yyyy-MM-dd, got '2026-02-30'")]
    [InlineData("?from=2026-03-02&to=2026-03-01&tenant=acme", "to 2026-03-01 is before from 2026-03-02; the window is from the first local day to the last, inclusive")]
    [InlineData("?to=2026-03-01&tenant=acme", "from: give a local date yyyy-MM-dd (the site's time zone)")]
    [InlineData("?from=2026-03-01&to=2026-03-01", "say whose statement: tenant NAME, heatBuyer NAME or facility=true")]
    [InlineData("?from=2026-03-01&to=2026-03-01&tenant=acme&heatBuyer=spa", "give one party only, tenant NAME, heatBuyer NAME or facility=true; got tenant and heatBuyer")]
    [InlineData("?from=2026-03-01&to=2026-03-01&facility=maybe", "facility: expected true or false, got 'maybe'")]
    [InlineData("?from=2026-03-01&to=2026-03-01&facility=true&format=pdf", "format: expected csv, json or md, got 'pdf'")]
    public async Task Get_BadInput_400WithTheReason(string query, string detail)
    {
        var (status, type, body) = await GetAsync(query, Ledger);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(detail, Detail(body));
    }

    [Fact]
    public async Task Get_UnknownTenant_404NamingTheKnownOnes()
    {
        var (status, _, body) = await GetAsync("?from=2026-06-01&to=2026-06-01&tenant=globex", Ledger);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("no tenant 'globex' in the ledger from 2026-06-01 to 2026-06-01; tenants in that window: acme", Detail(body));
    }

    [Fact]
    public async Task Get_NoLedgerInTheProcess_503()
    {
        var (status, _, body) = await GetAsync("?from=2026-06-01&to=2026-06-01&facility=true");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("no ledger in this process", Detail(body));
    }
}
