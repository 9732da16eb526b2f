using System.Diagnostics;
using System.Text;

namespace Energy.IntegrationTests.Support;

/// <summary>
/// The real <c>heatgrid</c> executable in its own process, with its output captured so that a failing
/// test can show it. Disposing kills it if it is still running.
/// </summary>
internal sealed class HeatGridProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HeatGridProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static HeatGridProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts the app with these environment variables set besides the inherited ones.</summary>
    public static HeatGridProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var dll = Path.Combine(AppContext.BaseDirectory, "Energy.Scheduler.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new HeatGridProcess(process);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Runs a short verb to completion and returns its exit code and output.</summary>
    public static async Task<(int Code, string Output)> RunToEndAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        var exited = await process.WaitForExitAsync(timeout);
        Assert.True(exited, $"heatgrid {string.Join(' ', args)} did not finish within {timeout}:\n{process.Output}");
        return (process.ExitCode, process.Output);
    }

    /// <summary>Sends a POSIX signal (TERM, INT) the way a service manager or Ctrl+C would.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit();   // drains the redirected output
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
