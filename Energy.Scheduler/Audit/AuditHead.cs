using System.Globalization;
using System.Text.Json;
using Energy.Telemetry.Storage;

namespace Energy.Scheduler.Audit;

/// <summary>
/// <c>DATA/audit.head</c>: the seq and hash of the last entry appended, replaced (atomically) after each append. A hash
/// chain alone cannot tell that lines were cut from its end — what is left is a whole chain — but the head can: a head
/// ahead of the file's last entry means its tail was removed. (Who can rewrite both files can hide that too; the chain
/// and the head make tampering evident, not impossible.) The head may lag the file by one entry after a crash
/// between the two writes; that is not an error.
/// </summary>
public sealed record AuditHead(long Seq, string Hash)
{
    public const string FileName = "audit.head";

    /// <summary>The head of <paramref name="folder"/>; null when there is none or it does not parse.</summary>
    public static AuditHead? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            return root.TryGetProperty("seq", out var s) && s.TryGetInt64(out var seq)
                && root.TryGetProperty("hash", out var h) && h.ValueKind == JsonValueKind.String
                ? new AuditHead(seq, h.GetString()!)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <exception cref="IOException">The disk refused.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public void Write(string folder) => AtomicFile.Write(Path.Combine(folder, FileName),
        w => w.Write(string.Create(CultureInfo.InvariantCulture, $"{{\"seq\":{Seq},\"hash\":\"{Hash}\"}}\n")));
}
