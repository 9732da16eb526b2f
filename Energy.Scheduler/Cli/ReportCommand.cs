using System.CommandLine;
using System.Data.Common;
using Energy.Scheduler.Books;

namespace Energy.Scheduler.Cli;

/// <summary>
/// <c>heatgrid report</c>: a statement for a tenant, a heat buyer or the facility from the energy ledger in the
/// data folder (DATA/ledger.db), over local days in the site's time zone, as CSV, JSON or Markdown, to stdout or
/// into <c>--out DIR</c>. With <c>--ha postgres://… --site NAME</c> it reads the books a site's controllers keep in the
/// shared database instead (password from <c>HEATGRID_HA_PASSWORD</c> or <c>--ha-password-file</c>). Exit 0 on success, 1 when there is no ledger to read (or the file cannot be written),
/// 2 for a usage error or a party the window does not know (the message says which and why).
/// </summary>
internal static class ReportCommand
{
    /// <summary>The ledger's file in the data folder.</summary>
    public const string LedgerFile = LedgerStore.FileName;

    /// <summary>
    /// Opens the ledger of a data folder: the store itself, which a running service writes at the same time (the
    /// report reads a consistent snapshot under a shared lock; the slot in progress is the one of its last checkpoint).
    /// </summary>
    internal static readonly Func<string, ILedgerReader?> OpenLedger = LedgerStore.Open;

    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "First local day, yyyy-MM-dd (the site's time zone)." };
        var to = new Option<string?>("--to") { Description = "Last local day, inclusive, yyyy-MM-dd; at most 366 days after --from." };
        var tenant = new Option<string?>("--tenant") { Description = "Statement for this tenant: every workload billed to it." };
        var heatBuyer = new Option<string?>("--heat-buyer") { Description = "Statement for this heat buyer: every heat loop it buys from." };
        var facility = new Option<bool>("--facility") { Description = "Statement for the facility: import, revenue, boiler fuel, DR, net, reconciliation gap." };
        var format = new Option<string?>("--format") { Description = "csv, json or md (default json)." };
        var output = new Option<string?>("--out") { Description = "Folder to write statement-<kind>-<name>-<from>-<to>.<ext> into; default stdout." };
        var data = new Option<string>("--data") { Description = "Data folder of the service (the ledger is DATA/ledger.db).", DefaultValueFactory = _ => RunCommand.DefaultData };
        var ha = new Option<string?>("--ha") { Description = $"Read the books the site's controllers keep in this PostgreSQL database instead (postgres://USER@HOST:PORT/DATABASE; password from ${Ha.HaOptions.PasswordVariable} or --ha-password-file)." };
        var haPasswordFile = new Option<string?>("--ha-password-file") { Description = $"File whose first line is the HA database's password (else ${Ha.HaOptions.PasswordVariable})." };
        var site = new Option<string?>("--site") { Description = "With --ha: the site's name (the name: in its site file), or its site file." };
        var command = new Command("report", "A statement for a tenant, a heat buyer or the facility from the energy ledger.")
        {
            from, to, tenant, heatBuyer, facility, format, output, data, ha, haPasswordFile, site,
        };
        command.SetAction(r =>
        {
            var arguments = new StatementArguments(r.GetValue(from), r.GetValue(to), r.GetValue(tenant), r.GetValue(heatBuyer), r.GetValue(facility), r.GetValue(format));
            return r.GetValue(ha) is { } uri
                ? RunShared(arguments, r.GetValue(output), uri, r.GetValue(site), r.GetValue(haPasswordFile), Environment.GetEnvironmentVariable, Console.Out, Console.Error)
                : Run(arguments, r.GetValue(output), r.GetRequiredValue(data), Console.Out, Console.Error, OpenLedger);
        });
        return command;
    }

    public static int Run(StatementArguments arguments, string? output, string data, TextWriter stdout, TextWriter stderr, Func<string, ILedgerReader?> openLedger)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(openLedger);
        var (request, error) = StatementRequest.Parse(arguments, StatementArgumentNames.Cli);
        if (request is null)
        {
            stderr.WriteLine($"report: {error}");
            return 2;
        }

        var folder = Path.GetFullPath(data);
        var file = Path.Combine(folder, LedgerFile);
        if (!File.Exists(file))
        {
            stderr.WriteLine($"report: no ledger at {file}: HeatGrid keeps its books in its data folder; give the service's --data "
                + "(controllers run with --ha keep them in the shared database: give --ha and --site)");
            return 1;
        }

        return Write(request, () => openLedger(folder), file, output, stdout, stderr);
    }

    /// <summary><c>--ha URI --site NAME</c>: the statement from the books of <paramref name="site"/> in the shared database (read only).</summary>
    public static int RunShared(StatementArguments arguments, string? output, string uri, string? site, string? passwordFile, Func<string, string?> environment,
        TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var (request, error) = StatementRequest.Parse(arguments, StatementArgumentNames.Cli);
        if (request is null)
        {
            stderr.WriteLine($"report: {error}");
            return 2;
        }

        if (CliInputs.SharedDatabaseOrError(uri, site, passwordFile, out var problem, environment) is not { } database)
        {
            stderr.WriteLine($"report: {problem}");
            return 2;
        }

        try
        {
            // Epoch null: a reader, not a controller (it writes nothing).
            return Write(request, () => new Ha.PgLedgerStore(database, epoch: null), $"{database.Options.Shown} site {database.Site}", output, stdout, stderr);
        }
        finally
        {
            database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static int Write(StatementRequest request, Func<ILedgerReader?> open, string where, string? output, TextWriter stdout, TextWriter stderr)
    {
        Statement statement;
        try
        {
            var ledger = open();
            if (ledger is null)
            {
                stderr.WriteLine($"report: {where} cannot be read as a ledger by this build");
                return 1;
            }

            try
            {
                statement = StatementBuilder.Build(ledger, request);
            }
            finally
            {
                (ledger as IDisposable)?.Dispose();
            }
        }
        catch (StatementPartyException e)
        {
            stderr.WriteLine($"report: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is StatementInputException or DbException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"report: {where}: {e.Message}");
            return 1;
        }

        var text = StatementFormats.Render(statement, request.Format);
        if (output is null)
        {
            stdout.Write(text);
            return 0;
        }

        var path = Path.Combine(Path.GetFullPath(output), StatementFormats.FileName(statement, request.Format));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"report: cannot write {path}: {e.Message}");
            return 1;
        }

        stdout.WriteLine($"wrote {path}");
        return 0;
    }
}
