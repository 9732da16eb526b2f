namespace Energy.Scheduler.Audit;

/// <summary>
/// The lock that processes appending to one audit trail hold while they append: <c>audit.lock</c> beside it, opened
/// without sharing, which .NET takes as an exclusive <c>flock</c> on Unix and a share-none handle on Windows. The
/// running service and a <c>heatgrid users</c> verb each continue the chain from the file's last entry under it, so
/// two writers never give two entries the same seq.
/// </summary>
internal sealed class AuditFileLock : IDisposable
{
    public const string FileName = "audit.lock";

    /// <summary>How long a writer waits for the other (tries 5 ms apart, about 5 s): an append takes a few milliseconds (one fsync).</summary>
    private const int Tries = 1000;

    private readonly FileStream _handle;

    private AuditFileLock(FileStream handle) => _handle = handle;

    public static AuditFileLock Acquire(string folder)
    {
        var path = Path.Combine(folder, FileName);
        using var pause = new ManualResetEventSlim();
        for (var tried = 1; ; tried++)
        {
            try
            {
                return new AuditFileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException e) when (tried < Tries && HeldByAnother(e, path))
            {
                // Held by the other writer: it lets go within one append. (Wall time, not the service's clock:
                // the other process does not run on a test's fake one.)
                pause.Wait(TimeSpan.FromMilliseconds(5));
            }
            catch (IOException e) when (HeldByAnother(e, path))
            {
                throw new TimeoutException($"the audit trail's lock {path} was held by another process for over 5 s: {e.Message}", e);
            }
        }
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>
    /// A lock held elsewhere is a plain IOException on a file that is there; a missing folder, a folder that became a
    /// file, a full or read-only disk are other errors, answered at once rather than after 5 s of retries.
    /// </summary>
    private static bool HeldByAnother(IOException e, string path) =>
        e.GetType() == typeof(IOException) && File.Exists(path) && !Directory.Exists(path);
}
