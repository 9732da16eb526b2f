using Energy.Scheduler.Books;
using Energy.Scheduler.Cli;
using static Energy.Scheduler.Tests.Books.StatementTestLedger;

namespace Energy.Scheduler.Tests.Books;

/// <summary><c>heatgrid report</c>: usage errors exit 2, a missing ledger 1, a statement to stdout or into --out.</summary>
public sealed class StatementReportCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-report-").FullName;

    private readonly StatementTestLedger _ledger = new(Slot(Utc(2026, 6, 1, 8), workloads: [Workload("llm", "acme", gpuHours: 2, revenue: 4)]));

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private (int Code, string Stdout, string Stderr, string? OpenedFolder) Run(StatementArguments arguments, string? output = null, bool ledgerFile = true)
    {
        if (ledgerFile)
        {
            File.WriteAllText(Path.Combine(_data, ReportCommand.LedgerFile), string.Empty);
        }

        string? opened = null;
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = ReportCommand.Run(arguments, output, _data, stdout, stderr, folder =>
        {
            opened = folder;
            return _ledger;
        });
        return (code, stdout.ToString(), stderr.ToString(), opened);
    }

    private static StatementArguments Args(string? tenant = "acme", bool facility = false, string? from = "2026-06-01", string? format = "md") =>
        new(from, "2026-06-01", tenant, null, facility, format);

    [Fact]
    public void Run_Tenant_MarkdownToStdout()
    {
        var (code, stdout, stderr, opened) = Run(Args());

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Equal(_data, opened);
        Assert.StartsWith("# Statement: tenant acme\n", stdout, StringComparison.Ordinal);
        Assert.Contains("| Amount (EUR) | 4.00 |", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Out_WritesTheNamedFile()
    {
        var output = Path.Combine(_data, "statements");

        var (code, stdout, _, _) = Run(Args(format: "csv"), output);

        var file = Path.Combine(output, "statement-tenant-acme-2026-06-01-2026-06-01.csv");
        Assert.Equal(0, code);
        Assert.Equal($"wrote {file}", stdout.Trim());
        Assert.StartsWith("level,start,end,", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false, "2026-06-01", "md", "report: say whose statement: --tenant NAME, --heat-buyer NAME or --facility")]
    [InlineData("acme", true, "2026-06-01", "md", "report: give one party only, --tenant NAME, --heat-buyer NAME or --facility; got --tenant and --facility")]
    [InlineData("acme", false, "June", "md", "report: --from: expected a local date yyyy-MM-dd, got 'June'")]
    [InlineData("acme", false, "2026-06-01", "pdf", "report: --format: expected csv, json or md, got 'pdf'")]
    public void Run_UsageErrors_Exit2WithoutOpeningTheLedger(string? tenant, bool facility, string from, string format, string expected)
    {
        var (code, stdout, stderr, opened) = Run(Args(tenant, facility, from, format));

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal(expected, stderr.Trim());
        Assert.Null(opened);
    }

    [Fact]
    public void Run_UnknownTenant_Exit2ListingTheKnownOnes()
    {
        var (code, _, stderr, _) = Run(Args(tenant: "globex"));

        Assert.Equal(2, code);
        Assert.Equal("report: no tenant 'globex' in the ledger from 2026-06-01 to 2026-06-01; tenants in that window: acme", stderr.Trim());
    }

    [Fact]
    public void Run_NoLedgerFile_Exit1SayingWhere()
    {
        var (code, _, stderr, opened) = Run(Args(), ledgerFile: false);

        Assert.Equal(1, code);
        Assert.Equal($"report: no ledger at {Path.Combine(_data, "ledger.db")}: HeatGrid keeps its books in its data folder; give the service's --data "
            + "(controllers run with --ha keep them in the shared database: give --ha and --site)", stderr.Trim());
        Assert.Null(opened);
    }

    [Fact]
    public void Run_LedgerThatCannotBeOpened_Exit1()
    {
        File.WriteAllText(Path.Combine(_data, ReportCommand.LedgerFile), string.Empty);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = ReportCommand.Run(Args(), null, _data, stdout, stderr, _ => null);

        Assert.Equal(1, code);
        Assert.Contains("cannot be read as a ledger", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HeatGridCli_HasTheReportVerbWithItsOptions()
    {
        var report = Assert.Single(HeatGridCli.Build().Subcommands, c => c.Name == "report");

        Assert.Equal(["--from", "--to", "--tenant", "--heat-buyer", "--facility", "--format", "--out", "--data", "--ha", "--ha-password-file", "--site"],
            report.Options.Select(o => o.Name));
    }
}
