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

    /// <summary>Starts a peer with its stdout and stderr going, line by line, to <paramref name="append"/>.</summary>
    public static Process StartCapturing(ProcessStartInfo info, Action<string?> append)
    {
        ArgumentNullException.ThrowIfNull(info);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => append(e.Data);
        process.ErrorDataReceived += (_, e) => append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Stops a peer the way a service manager would: SIGTERM by process id, up to <paramref name="grace"/> to exit, then SIGKILL.
    /// What happened goes to <paramref name="log"/>; the process is disposed.
    /// </summary>
    public static async Task StopAsync(Process process, string name, TimeSpan grace, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(log);
        if (!process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                log($"--- {name} did not stop within {grace.TotalSeconds:0} s of SIGTERM; killed");
                process.Kill();
            }
        }

        await process.WaitForExitAsync();
        log($"--- {name} exited with code {process.ExitCode}");
        process.Dispose();
    }
}
