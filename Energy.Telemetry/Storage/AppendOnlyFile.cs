using System.Text;

namespace Energy.Telemetry.Storage;

/// <summary>
/// Append-only files of lines (<c>dr-events.jsonl</c>, the store's <c>.lp</c> files). A process killed in the
/// middle of an append leaves a torn last line without its newline; the next append would glue a whole line to it
/// and make both unreadable. <see cref="RepairTornTail"/> cuts the file back to its last newline before anything
/// is appended again, and says what it dropped.
/// </summary>
public static class AppendOnlyFile
{
    private const int Chunk = 64 * 1024;
    private const int ShownChars = 160;

    /// <summary>
    /// Truncates <paramref name="path"/> after its last newline when it does not end in one. Returns null when
    /// nothing was torn (or there is no file), else what was dropped: its length and its start (for the log).
    /// </summary>
    /// <exception cref="IOException">The file could not be read or truncated.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not writable.</exception>
    public static TornTail? RepairTornTail(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var length = stream.Length;
        if (length == 0)
        {
            return null;
        }

        var buffer = new byte[Chunk];
        stream.Position = length - 1;
        if (stream.ReadByte() == '\n')
        {
            return null;
        }

        // Search backwards, chunk by chunk, for the last newline.
        var end = length;
        var keep = 0L;
        while (end > 0)
        {
            var start = Math.Max(0, end - Chunk);
            var count = (int)(end - start);
            stream.Position = start;
            stream.ReadExactly(buffer, 0, count);
            var at = Array.LastIndexOf(buffer, (byte)'\n', count - 1, count);
            if (at >= 0)
            {
                keep = start + at + 1;
                break;
            }

            end = start;
        }

        var dropped = length - keep;
        stream.Position = keep;
        var shown = new byte[(int)Math.Min(dropped, ShownChars)];
        stream.ReadExactly(shown);
        stream.SetLength(keep);
        stream.Flush(flushToDisk: true);
        var text = Encoding.UTF8.GetString(shown).Replace('\r', ' ').Replace('\t', ' ');
        return new TornTail(dropped, dropped > ShownChars ? text + "…" : text);
    }
}
