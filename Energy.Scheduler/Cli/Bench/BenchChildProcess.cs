using System.Diagnostics;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>Starts a child of this same <c>heatgrid</c> executable (a hidden bench verb) with stdin and stdout redirected.</summary>
internal static class BenchChildProcess
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // Under `dotnet heatgrid.dll` the child needs the dll path; an apphost needs nothing.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }
}
