using System.Globalization;
using System.Text;

namespace Energy.Scheduler.Audit;

/// <summary>
/// What <c>heatgrid audit verify</c> finds in a data folder: every line of <c>audit.jsonl</c> checked in order
/// (<see cref="AuditChain.Check"/>), then the last entry against <c>audit.head</c> (<see cref="AuditHead"/>).
/// Detected: an edited line (its hash), a removed, inserted or reordered line (the next line's seq and prev), a broken
/// line (not JSON), lines cut from the end (the head is ahead). Not detected: a cut of the tail together with the head,
/// or a rewrite of every hash after an edit — the chain is not signed.
/// </summary>
/// <param name="BadLine">The first line (1-based) that fails, or null.</param>
public sealed record AuditVerification(long Entries, int? BadLine, string? Problem, string? Note)
{
    public bool Intact => Problem is null;

    public static AuditVerification Of(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var path = Path.Combine(folder, AuditLog.FileName);
        if (!File.Exists(path))
        {
            return new AuditVerification(0, null, $"no audit trail at {path}: HeatGrid keeps it in its data folder; give the service's --data", null);
        }

        var head = AuditHead.Read(folder);
        var (seq, prev, line) = (0L, AuditChain.Genesis, 0);
        string? headHash = null;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            while (reader.ReadLine() is { } text)
            {
                line++;
                if (AuditChain.Check(text, seq + 1, prev, out var s, out var hash) is { } problem)
                {
                    return new AuditVerification(seq, line, problem, null);
                }

                (seq, prev) = (s, hash!);
                if (head is not null && seq == head.Seq)
                {
                    headHash = hash;
                }
            }
        }

        if (head is null)
        {
            return new AuditVerification(seq, null, null, $"no {AuditHead.FileName}: lines cut from the end of the file cannot be told");
        }

        if (head.Seq > seq)
        {
            return new AuditVerification(seq, line + 1, string.Create(CultureInfo.InvariantCulture,
                $"the file ends at seq {seq} but {AuditHead.FileName} records seq {head.Seq}: {head.Seq - seq} line(s) were removed from its end"), null);
        }

        if (headHash != head.Hash)
        {
            return new AuditVerification(seq, (int)head.Seq, string.Create(CultureInfo.InvariantCulture,
                $"{AuditHead.FileName} records another hash for seq {head.Seq}: the file was rewritten from there"), null);
        }

        return new AuditVerification(seq, null, null, head.Seq < seq
            ? string.Create(CultureInfo.InvariantCulture, $"{AuditHead.FileName} lags at seq {head.Seq} (a crash between an append and its head; the next append mends it)")
            : null);
    }
}
