using System.Diagnostics;

namespace Energy.IntegrationTests.Support;

/// <summary>
/// Real peers the integration tests start (pymodbus, mbpoll, mosquitto…). A missing one skips the test
/// on a developer's machine but fails it under CI (CI=true), where ops/test.sh installs them.
/// </summary>
internal static class ExternalTool
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the tool cannot run here, or null when it can.</summary>
    public static string? Missing(string file, params string[] probeArgs)
    {
        if (!File.Exists(file))
        {
            return $"{file} is not installed (ops/test.sh installs it)";
        }

        if (probeArgs.Length == 0)
        {
            return null;
        }

        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in probeArgs)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        process.WaitForExit(10_000);
        return process.ExitCode == 0 ? null : $"{file} {string.Join(' ', probeArgs)} failed: {process.StandardError.ReadToEnd()}";
    }
}
