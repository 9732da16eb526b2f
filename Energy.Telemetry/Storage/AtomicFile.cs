using System.Text;

namespace Energy.Telemetry.Storage;

/// <summary>
/// Writes a file so that a reader, or a restart after a crash, finds the old content or the new one
/// whole, never half of it: written to a temporary file beside it, flushed to the disk, then moved over it.
/// </summary>
public static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes (UTF-8, no BOM), creating its folder.</summary>
    /// <exception cref="IOException">The disk refused; the old file is untouched and the temporary one removed.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable; the old file is untouched.</exception>
    public static void Write(string path, Action<TextWriter> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using (var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true))
                {
                    write(writer);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next write overwrites it; nothing reads a .tmp file.
        }
    }
}
