using System.Diagnostics;

namespace Energy.IntegrationTests.Support;

/// <summary>
/// A fact that makes a folder immutable with <c>chattr +i</c>, which refuses writes to root as well (unlike a
/// permission bit). It needs the chattr binary, a file system with the attribute (ext4, xfs, btrfs) and
/// CAP_LINUX_IMMUTABLE; where any is missing it is skipped, saying which, CI included: that is the machine's
/// capability, not a missing test peer. <c>RunDurableStateTests</c> covers the same fault everywhere by other means.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RequiresImmutableFilesFactAttribute : FactAttribute
{
    public RequiresImmutableFilesFactAttribute()
    {
        if (Missing.Value is { } why)
        {
            Skip = why;
        }
    }

    private static readonly Lazy<string?> Missing = new(Probe);

    public static bool Chattr(string flag, string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("chattr", ["-R", flag, path]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string? Probe()
    {
        var folder = Directory.CreateTempSubdirectory("heatgrid-chattr-").FullName;
        try
        {
            if (!Chattr("+i", folder))
            {
                return "chattr +i is not available here (no binary, no CAP_LINUX_IMMUTABLE, or a file system without the attribute)";
            }

            try
            {
                File.WriteAllText(Path.Combine(folder, "x"), "x");
                return "chattr +i did not stop a write here";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
        finally
        {
            Chattr("-i", folder);
            Directory.Delete(folder, recursive: true);
        }
    }
}
