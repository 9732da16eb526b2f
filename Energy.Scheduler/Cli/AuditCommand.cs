using System.CommandLine;
using Energy.Scheduler.Audit;

namespace Energy.Scheduler.Cli;

/// <summary>
/// <c>heatgrid audit verify [--data DIR]</c>: checks the audit trail's hash chain (DATA/audit.jsonl) and its head.
/// Exit 0 with "N entries, chain intact"; 1 naming the first bad line and why, or when there is no trail.
/// <c>heatgrid audit verify --ha postgres://USER@HOST:PORT/DB --site NAME</c> checks the chain a site's controllers keep in
/// the shared database instead (password from <c>HEATGRID_HA_PASSWORD</c> or <c>--ha-password-file</c>), the same way.
/// </summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data folder of the service (the trail is DATA/audit.jsonl).", DefaultValueFactory = _ => RunCommand.DefaultData };
        var ha = new Option<string?>("--ha") { Description = $"Verify the trail the site's controllers keep in this PostgreSQL database instead (postgres://USER@HOST:PORT/DATABASE; password from ${Ha.HaOptions.PasswordVariable} or --ha-password-file)." };
        var haPasswordFile = new Option<string?>("--ha-password-file") { Description = $"File whose first line is the HA database's password (else ${Ha.HaOptions.PasswordVariable})." };
        var site = new Option<string?>("--site") { Description = "With --ha: the site's name (the name: in its site file), or its site file." };
        var verify = new Command("verify", "Check that no line of the audit trail was edited, removed, reordered or cut from its end.") { data, ha, haPasswordFile, site };
        verify.SetAction(r => r.GetValue(ha) is { } uri
            ? VerifyShared(uri, r.GetValue(site), r.GetValue(haPasswordFile), Environment.GetEnvironmentVariable, Console.Out, Console.Error)
            : Verify(r.GetRequiredValue(data), Console.Out, Console.Error));
        return new Command("audit", "The audit trail: who changed what, and the controller's safety actions.") { verify };
    }

    public static int Verify(string data, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        AuditVerification result;
        try
        {
            result = AuditVerification.Of(Path.GetFullPath(data));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"audit verify: the audit trail in {Path.GetFullPath(data)} cannot be read: {e.Message}");
            return 1;
        }

        if (!result.Intact)
        {
            stderr.WriteLine(result.BadLine is { } line
                ? $"audit verify: line {line}: {result.Problem}"
                : $"audit verify: {result.Problem}");
            return 1;
        }

        stdout.WriteLine($"{result.Entries} entries, chain intact");
        if (result.Note is { } note)
        {
            stdout.WriteLine($"note: {note}");
        }

        return 0;
    }

    /// <summary><c>--ha URI --site NAME</c>: the chain of <paramref name="site"/> in the shared database.</summary>
    public static int VerifyShared(string uri, string? site, string? passwordFile, Func<string, string?> environment, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (CliInputs.SharedDatabaseOrError(uri, site, passwordFile, out var problem, environment) is not { } database)
        {
            stderr.WriteLine($"audit verify: {problem}");
            return 2;
        }

        var (options, name) = (database.Options, database.Site);
        AuditVerification result;
        try
        {
            result = Ha.PgAuditTrail.Verify(database);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            stderr.WriteLine($"audit verify: the audit trail in {options.Shown} cannot be read: {e.Message}");
            return 1;
        }
        finally
        {
            database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        if (!result.Intact)
        {
            stderr.WriteLine(result.BadLine is { } row
                ? $"audit verify: {options.Shown} site {name}, entry {row}: {result.Problem}"
                : $"audit verify: {result.Problem}");
            return 1;
        }

        stdout.WriteLine($"{result.Entries} entries, chain intact ({options.Shown}, site {name})");
        if (result.Note is { } note)
        {
            stdout.WriteLine($"note: {note}");
        }

        return 0;
    }
}
