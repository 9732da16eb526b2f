using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Energy.Gpu.Kernels;
using Energy.Gpu.Tests.Interop;
using Energy.TestSupport.Tools;

namespace Energy.Gpu.Tests.Pouw;

/// <summary>
/// Kernels/pouw.cu itself, compiled by gcc through cuda_warp_shim.h (pouw_cpu_launch.c, with the -D options
/// the host gave NVRTC for the launch's module: the build and the warps per block), run for the fake driver's launches: each launch's argument values,
/// read from the pointers the host passed to cuLaunchKernel, its grid and block, and the fake device
/// allocations its pointers reach go to a process that runs the kernel and returns those allocations. So
/// the host's packing and geometry drive the real kernel source. A process per launch: the shim switches
/// stacks, which the test host does not tolerate in-process.
/// </summary>
public sealed class ShimPouwKernels : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("heatgrid-pouw-launch-").FullName;
    private readonly Dictionary<string, string> _executables = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Kernel launches run so far (name, plain build).</summary>
    public List<(string Name, bool Plain)> Launches { get; } = [];

    /// <summary>Makes <paramref name="api"/> run pouw.cu's kernels on the CPU for each launch.</summary>
    internal void Attach(FakeCudaDriverApi api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.OnLaunch = record => Run(api, record);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Run(FakeCudaDriverApi api, FakeCudaDriverApi.LaunchRecord record)
    {
        var (name, module) = api.Functions[record.Function];
        // FakeNvrtcApi's CUBIN is "ELF|name|options|source": the module's -D options build the same kernel here.
        var options = Encoding.UTF8.GetString(api.ModuleImages[module]).Split('|')[2];
        var plain = options.Contains("-DPOUW_TRANSCRIPT=0", StringComparison.Ordinal);
        var sizes = FakePouwKernels.Sizes[name];
        Assert.Equal(sizes.Length, record.ParameterPointers.Length);
        Assert.Equal((1u, 1u, 1u), (record.Grid.Z, record.Block.Y, record.Block.Z));

        var regions = new List<(ulong Start, byte[] Bytes)>();
        using var input = new MemoryStream();
        var kernel = new byte[32];
        Encoding.ASCII.GetBytes(name).CopyTo(kernel, 0);
        input.Write(kernel);
        Write32(input, record.Grid.X);
        Write32(input, record.Grid.Y);
        Write32(input, record.Block.X);
        Write32(input, (uint)sizes.Length);
        for (var i = 0; i < sizes.Length; i++)
        {
            var value = unchecked(sizes[i] == 8 ? (ulong)Marshal.ReadInt64(record.ParameterPointers[i]) : (uint)Marshal.ReadInt32(record.ParameterPointers[i]));
            if (sizes[i] == 4)
            {
                Write32(input, 0);
                Write64(input, value);
            }
            else if (value == 0)
            {
                Write32(input, 2);
                Write64(input, 0);
            }
            else
            {
                var (start, bytes) = api.Memory.Single(m => value >= m.Key && value < m.Key + (ulong)m.Value.Length);
                var index = regions.FindIndex(r => r.Start == start);
                if (index < 0)
                {
                    index = regions.Count;
                    regions.Add((start, bytes));
                }

                Write32(input, 1);
                Write64(input, ((ulong)index << 40) | (value - start));
            }
        }

        Write32(input, (uint)regions.Count);
        foreach (var (_, bytes) in regions)
        {
            Write64(input, (ulong)bytes.Length);
            input.Write(bytes);
        }

        var executable = Executable([.. options.Split(' ').Where(o => o.StartsWith("-D", StringComparison.Ordinal))]);
        var file = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".launch");
        File.WriteAllBytes(file, input.ToArray());
        var result = NativeProgram.Run(executable, _directory, TimeSpan.FromMinutes(2), [file]);
        Assert.True(result.ExitCode == 0, $"pouw_cpu_launch {name} exited {result.ExitCode}: {result.StandardError}");
        var output = File.ReadAllBytes(file);
        File.Delete(file);
        var at = 0;
        foreach (var (_, bytes) in regions)
        {
            output.AsSpan(at, bytes.Length).CopyTo(bytes);
            at += bytes.Length;
        }

        Assert.Equal(output.Length, at);
        lock (_gate)
        {
            Launches.Add((name, plain));
        }
    }

    private static void Write32(Stream stream, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        stream.Write(b);
    }

    private static void Write64(Stream stream, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        stream.Write(b);
    }

    /// <summary>pouw_cpu_launch.c built with the module's defines (the build and warps per block), once per set.</summary>
    private string Executable(string[] defines)
    {
        var key = string.Join(' ', defines);
        lock (_gate)
        {
            if (_executables.TryGetValue(key, out var built))
            {
                return built;
            }

            if (_executables.Count == 0)
            {
                File.WriteAllText(Path.Combine(_directory, KernelSource.Pouw), KernelSource.Read(KernelSource.Pouw));
                foreach (var file in new[] { "cuda_warp_shim.h", "pouw_cpu_launch.c" })
                {
                    File.Copy(Path.Combine(AppContext.BaseDirectory, "Kernels", file), Path.Combine(_directory, file));
                }
            }

            var executable = Gcc.Compile(_directory, "pouw_cpu_launch_" + _executables.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [.. defines, "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas", "-fno-strict-aliasing", "pouw_cpu_launch.c"]);
            _executables.Add(key, executable);
            return executable;
        }
    }
}
