using System.CommandLine;
using Energy.Scheduler.Audit;

namespace Energy.Scheduler.Cli;

/// <summary>
/// <c>heatgrid audit verify [--data DIR]</c>: checks the audit trail's hash chain (DATA/audit.jsonl) and its head.
/// Exit 0 with "N entries, chain intact"; 1 naming the first bad line and why, or when there is no trail.
/// </summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data folder of the service (the trail is DATA/audit.jsonl).", DefaultValueFactory = _ => RunCommand.DefaultData };
        var verify = new Command("verify", "Check that no line of the audit trail was edited, removed, reordered or cut from its end.") { data };
        verify.SetAction(r => Verify(r.GetRequiredValue(data), Console.Out, Console.Error));
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
}
