using System.Security.Cryptography;
using System.Text;

namespace Energy.Telemetry.Storage;

/// <summary>
/// A state file that is checked on read: its first line is <c>heatgrid-state v1 sha256=HEX</c>, the SHA-256 of the
/// rest (the body, UTF-8). Written through <see cref="AtomicFile"/> (temporary file, fsync, rename), so a crash
/// leaves the old file or the new one; a file truncated, torn or edited by hand no longer matches its sum and
/// reads as <see cref="StateFileStatus.Corrupt"/>, never as a shorter but plausible state.
/// </summary>
public static class StateFile
{
    private const string Header = "heatgrid-state v1 sha256=";
    private const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>Replaces <paramref name="path"/> with <paramref name="body"/> behind its checksum line.</summary>
    /// <exception cref="IOException">The disk refused; the old file is untouched.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable; the old file is untouched.</exception>
    public static void Write(string path, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var sum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        AtomicFile.Write(path, writer =>
        {
            writer.Write(Header);
            writer.Write(sum);
            writer.Write('\n');
            writer.Write(body);
        });
    }

    /// <summary>Reads and checks <paramref name="path"/>. A file without the checksum line (written before it existed) is <see cref="StateFileStatus.Unchecked"/>: the caller parses it strictly.</summary>
    public static StateFileRead Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            if (!File.Exists(path))
            {
                return new(StateFileStatus.Missing, null, null);
            }

            var length = new FileInfo(path).Length;
            if (length > MaxBytes)
            {
                return new(StateFileStatus.Corrupt, null, $"{length} bytes, more than any state file of HeatGrid's ({MaxBytes})");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new(StateFileStatus.Corrupt, null, "cannot be read: " + e.Message);
        }

        if (bytes.Length == 0)
        {
            return new(StateFileStatus.Corrupt, null, "empty (0 bytes)");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return new(StateFileStatus.Corrupt, null, "not UTF-8 text");
        }

        if (!text.StartsWith("heatgrid-state", StringComparison.Ordinal) && !Header.StartsWith(text, StringComparison.Ordinal))
        {
            return new(StateFileStatus.Unchecked, text, null);
        }

        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0 || !text.StartsWith(Header, StringComparison.Ordinal))
        {
            return new(StateFileStatus.Corrupt, null, "its checksum line is torn or of an unknown version");
        }

        var expected = text[Header.Length..newline];
        var body = text[(newline + 1)..];
        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        return string.Equals(expected, actual, StringComparison.Ordinal)
            ? new(StateFileStatus.Good, body, null)
            : new(StateFileStatus.Corrupt, null, $"its content does not match its checksum ({Encoding.UTF8.GetByteCount(body)} bytes after the checksum line: truncated or changed)");
    }

    /// <summary>Moves a corrupt file aside to <c>PATH.corrupt</c> (kept for the operator); returns where it went, or null when even that failed.</summary>
    public static string? MoveAside(string path)
    {
        var aside = path + ".corrupt";
        try
        {
            File.Move(path, aside, overwrite: true);
            return aside;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
