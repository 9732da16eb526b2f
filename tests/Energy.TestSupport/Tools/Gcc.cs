namespace Energy.TestSupport.Tools;

/// <summary>
/// The system C compiler, for tests that build C sources (the CUDA kernels through a CPU shim). A
/// missing gcc skips those tests on a developer's machine but fails them under CI (CI=true), where
/// ops/test.sh installs it.
/// </summary>
public static class Gcc
{
    private static readonly Lazy<string?> LazyPath = new(Find);

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why gcc cannot run here, or null when it can.</summary>
    public static string? Missing => LazyPath.Value is null ? "gcc is not on PATH (ops/test.sh installs it)" : null;

    /// <summary>Compiles sources in a folder into an executable there and returns its path; throws with gcc's output on failure.</summary>
    public static string Compile(string directory, string output, params string[] arguments)
    {
        var gcc = LazyPath.Value ?? throw new InvalidOperationException(Missing);
        var executable = Path.Combine(directory, output);
        var result = NativeProgram.Run(gcc, directory, TimeSpan.FromMinutes(2), [.. arguments, "-o", executable]);
        return result.ExitCode == 0
            ? executable
            : throw new InvalidOperationException($"gcc {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.StandardError}");
    }

    private static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "gcc");
            if (File.Exists(candidate) && NativeProgram.Run(candidate, dir, TimeSpan.FromSeconds(30), ["--version"]).ExitCode == 0)
            {
                return candidate;
            }
        }

        return null;
    }
}
