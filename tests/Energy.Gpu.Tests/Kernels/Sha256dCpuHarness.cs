using System.Globalization;
using Energy.Gpu.Kernels;
using Energy.Gpu.Mining;
using Energy.TestSupport.Tools;

namespace Energy.Gpu.Tests.Kernels;

/// <summary>
/// sha256d.cu compiled with gcc through cuda_shim.h and run on the CPU by sha256d_cpu_main.c. The
/// kernel text is the embedded resource NVRTC will get; it is compiled once, on first use, in a
/// temporary folder that is deleted with the fixture.
/// </summary>
public sealed class Sha256dCpuHarness : IDisposable
{
    private static readonly string[] HarnessFiles = ["cuda_shim.h", "sha256d_cpu_main.c"];

    private readonly string _directory = Directory.CreateTempSubdirectory("heatgrid-sha256d-").FullName;
    private readonly Lazy<string> _executable;

    public Sha256dCpuHarness() => _executable = new Lazy<string>(Build);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Runs the kernel's grid over firstNonce … lastNonce (inclusive) and returns what it wrote.</summary>
    public HarnessRun Run(Sha256dKernelParameters parameters, uint firstNonce, uint lastNonce, Sha256dLaunchGeometry geometry, int capacity)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var arguments = new List<string>();
        foreach (var word in parameters.Words)
        {
            arguments.Add(word.ToString(CultureInfo.InvariantCulture));
        }

        arguments.AddRange(new long[] { firstNonce, lastNonce, geometry.ThreadsPerBlock, geometry.NoncesPerThread, capacity }
            .Select(n => n.ToString(CultureInfo.InvariantCulture)));
        var result = NativeProgram.Run(_executable.Value, _directory, TimeSpan.FromMinutes(2), arguments);
        Assert.True(result.ExitCode == 0, $"harness exited {result.ExitCode}: {result.StandardError}");

        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new HarnessRun(
            int.Parse(lines[0]["blocks ".Length..], CultureInfo.InvariantCulture),
            long.Parse(lines[1]["reported ".Length..], CultureInfo.InvariantCulture),
            lines.Skip(2).Select(l => uint.Parse(l, CultureInfo.InvariantCulture)).ToList());
    }

    private string Build()
    {
        File.WriteAllText(Path.Combine(_directory, KernelSource.Sha256d), KernelSource.Read(KernelSource.Sha256d));
        foreach (var file in HarnessFiles)
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Kernels", file), Path.Combine(_directory, file));
        }

        return Gcc.Compile(_directory, "sha256d_cpu", "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "sha256d_cpu_main.c");
    }
}

/// <summary>The grid size the harness launched, the kernel's out[0], and the kept candidates.</summary>
public sealed record HarnessRun(int Blocks, long Reported, IReadOnlyList<uint> Candidates);
