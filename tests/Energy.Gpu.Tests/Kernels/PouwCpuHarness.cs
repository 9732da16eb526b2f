using System.Buffers.Binary;
using Energy.Gpu.Kernels;
using Energy.Gpu.Pouw;
using Energy.TestSupport.Tools;

namespace Energy.Gpu.Tests.Kernels;

/// <summary>
/// pouw.cu compiled with gcc through cuda_warp_shim.h and run on the CPU by pouw_cpu_main.c: the
/// noise of both operands, the projections (as plane rows), the transcript GEMM with the fused denoising, in one run, with
/// the argument words and launch geometry of <see cref="CudaPouwKernelParameters"/> and its winner
/// decoding, so the host side a GPU launch would use is what is tested here. Each
/// <see cref="PouwKernelBuild"/> is compiled on first use, in a temporary folder deleted with the fixture.
/// </summary>
public sealed class PouwCpuHarness : IDisposable
{
    private static readonly string[] HarnessFiles = ["cuda_warp_shim.h", "pouw_cpu_main.c", "pouw_planes_main.c"];

    private readonly string _directory = Directory.CreateTempSubdirectory("heatgrid-pouw-").FullName;
    private readonly Dictionary<PouwKernelBuild, string> _executables = [];
    private readonly Lock _gate = new();
    private string? _planesExecutable;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Runs the kernels on A (m×k) and W (n×k) with the given seeds, key and target (32 bytes each).</summary>
    public PouwKernelRun Run(PouwKernelInput input, PouwKernelBuild build = PouwKernelBuild.Transcript)
    {
        ArgumentNullException.ThrowIfNull(input);
        var p = input.Parameters;
        var name = Guid.NewGuid().ToString("N");
        var inputPath = Path.Combine(_directory, name + ".in");
        var outputPath = Path.Combine(_directory, name + ".out");
        using (var stream = File.Create(inputPath))
        {
            var host = CudaPouwKernelParameters.Create(p, input.SeedE, input.SeedF, input.TicketKey, input.Target);
            Span<byte> header = stackalloc byte[28];
            int[] fields = [p.M, p.N, p.K, p.Rank, p.Chunk, input.Capacity, host.Planes];
            for (var i = 0; i < fields.Length; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(header[(4 * i)..], (uint)fields[i]);
            }

            stream.Write(header);
            var options = build switch
            {
                PouwKernelBuild.Plain => new CudaPouwKernelOptions { Transcript = false },
                PouwKernelBuild.EightWarps => new CudaPouwKernelOptions { WarpsM = 4, WarpsN = 2 },
                _ => new CudaPouwKernelOptions(),
            };
            var words = new List<uint>();
            words.AddRange(host.SeedEWords);
            words.AddRange(host.SeedFWords);
            words.AddRange(host.KeyAndTarget.ToArray());
            foreach (var launch in new[] { host.Noise(p.M), host.Noise(p.N), CudaPouwKernelParameters.Project(p.M), CudaPouwKernelParameters.Project(p.N), host.Mine(options) })
            {
                words.AddRange([launch.Grid.X, launch.Grid.Y, launch.Block.X]);
            }

            var packed = new byte[4 * words.Count];
            for (var i = 0; i < words.Count; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(packed.AsSpan(4 * i), words[i]);
            }

            stream.Write(packed);
            stream.Write(AsBytes(input.A));
            stream.Write(AsBytes(input.W));
        }

        var executable = Executable(build);
        var result = NativeProgram.Run(executable, _directory, TimeSpan.FromMinutes(2), [inputPath, outputPath]);
        Assert.True(result.ExitCode == 0, $"harness exited {result.ExitCode}: {result.StandardError}");
        var bytes = File.ReadAllBytes(outputPath);
        File.Delete(inputPath);
        File.Delete(outputPath);
        return Parse(bytes, p, input.Capacity);
    }

    /// <summary>The kernel's plane split (pouw_plane_digit) of each value: <paramref name="planes"/> digits each, low plane first, and the remainder after them.</summary>
    public (sbyte[][] Digits, int[] Rests) SplitPlanes(IReadOnlyList<int> values, int planes)
    {
        ArgumentNullException.ThrowIfNull(values);
        var name = Guid.NewGuid().ToString("N");
        var inputPath = Path.Combine(_directory, name + ".in");
        var outputPath = Path.Combine(_directory, name + ".out");
        var input = new byte[8 + (4 * values.Count)];
        BinaryPrimitives.WriteUInt32LittleEndian(input, (uint)planes);
        BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(4), (uint)values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(input.AsSpan(8 + (4 * i)), values[i]);
        }

        File.WriteAllBytes(inputPath, input);
        string executable;
        lock (_gate)
        {
            CopyHarnessFiles();
            executable = _planesExecutable ??= Gcc.Compile(_directory, "pouw_planes",
                ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas", "-fno-strict-aliasing", "pouw_planes_main.c"]);
        }

        var result = NativeProgram.Run(executable, _directory, TimeSpan.FromMinutes(1), [inputPath, outputPath]);
        Assert.True(result.ExitCode == 0, $"pouw_planes exited {result.ExitCode}: {result.StandardError}");
        var bytes = File.ReadAllBytes(outputPath);
        File.Delete(inputPath);
        File.Delete(outputPath);
        Assert.Equal(values.Count * (planes + 4), bytes.Length);
        var digits = new sbyte[values.Count][];
        var rests = new int[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var at = i * (planes + 4);
            digits[i] = [.. bytes.AsSpan(at, planes).ToArray().Select(b => unchecked((sbyte)b))];
            rests[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + planes));
        }

        return (digits, rests);
    }

    private static PouwKernelRun Parse(byte[] bytes, PouwParameters p, int capacity)
    {
        var at = 0;
        sbyte[] Operand(int rows)
        {
            var values = new sbyte[rows * p.K];
            bytes.AsSpan(at, values.Length).CopyTo(AsBytes(values));
            at += values.Length;
            return values;
        }

        uint Word()
        {
            var value = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            at += 4;
            return value;
        }

        int[] Product()
        {
            var values = new int[p.M * p.N];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = unchecked((int)Word());
            }

            return values;
        }

        var aNoisy = Operand(p.M);
        var wNoisy = Operand(p.N);
        var noisyProduct = Product();
        var product = Product();
        var tiles = (int)Word();
        var points = (int)Word();
        var digests = new uint[tiles * points];
        for (var i = 0; i < digests.Length; i++)
        {
            digests[i] = Word();
        }

        var count = Word();
        var buffer = new uint[CudaPouwKernelParameters.WinnerBufferWords(capacity)];
        buffer[0] = count;
        for (var i = 1; i <= Math.Min(count, (uint)capacity) * CudaPouwKernelParameters.WinnerWords; i++)
        {
            buffer[i] = Word();
        }

        var winners = CudaPouwKernelParameters.ReadWinners(buffer, capacity);
        Assert.Equal(bytes.Length, at);
        return new PouwKernelRun(aNoisy, wNoisy, noisyProduct, product, points, digests, count, winners);
    }

    private static Span<byte> AsBytes(sbyte[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());

    private string Executable(PouwKernelBuild build)
    {
        lock (_gate)
        {
            if (!_executables.TryGetValue(build, out var executable))
            {
                CopyHarnessFiles();

                string[] defines = build switch
                {
                    PouwKernelBuild.Plain => ["-DPOUW_TRANSCRIPT=0"],
                    PouwKernelBuild.EightWarps => ["-DPOUW_WARPS_M=4", "-DPOUW_WARPS_N=2"],
                    _ => [],
                };
                executable = Gcc.Compile(_directory, "pouw_cpu_" + build.ToString().ToLowerInvariant(),
                    [.. defines, "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas", "-fno-strict-aliasing", "pouw_cpu_main.c"]);
                _executables.Add(build, executable);
            }

            return executable;
        }
    }

    /// <summary>Copies pouw.cu and the harness sources into the folder once (the caller holds the gate).</summary>
    private void CopyHarnessFiles()
    {
        if (File.Exists(Path.Combine(_directory, KernelSource.Pouw)))
        {
            return;
        }

        File.WriteAllText(Path.Combine(_directory, KernelSource.Pouw), KernelSource.Read(KernelSource.Pouw));
        foreach (var file in HarnessFiles)
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Kernels", file), Path.Combine(_directory, file));
        }
    }
}

/// <summary>How the harness compiles pouw.cu: as the miner runs it, as the plain GEMM, or with 4×2 warps (256 threads) per block instead of 2×2.</summary>
public enum PouwKernelBuild
{
    Transcript,
    Plain,
    EightWarps,
}

/// <summary>What the harness feeds the kernels: the parameters (tile 16×16), operands, seeds, key, target and winner capacity.</summary>
public sealed record PouwKernelInput(PouwParameters Parameters, sbyte[] A, sbyte[] W, byte[] SeedE, byte[] SeedF, byte[] TicketKey, byte[] Target, int Capacity);

/// <summary>What the kernels wrote: A', W', C', the denoised C, every tile's digests (tile ti·(n/16)+tj), the winner count and the kept entries.</summary>
public sealed record PouwKernelRun(sbyte[] ANoisy, sbyte[] WNoisy, int[] NoisyProduct, int[] Product, int Points, uint[] Digests, uint WinnerCount, IReadOnlyList<PouwKernelWinner> Winners);
