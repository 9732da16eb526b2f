using System.Buffers.Binary;
using Energy.Gpu.Kernels;
using Energy.Gpu.Pouw;
using Energy.TestSupport.Tools;

namespace Energy.Gpu.Tests.Kernels;

/// <summary>
/// pouw.cu compiled with gcc through cuda_warp_shim.h and run on the CPU by pouw_cpu_main.c: the
/// noise of both operands, the transcript GEMM, the projections and the denoising, in one run, with
/// the argument words and launch geometry of <see cref="CudaPouwKernelParameters"/> and its winner
/// decoding, so the host side a GPU launch would use is what is tested here. Each
/// <see cref="PouwKernelBuild"/> is compiled on first use, in a temporary folder deleted with the fixture.
/// </summary>
public sealed class PouwCpuHarness : IDisposable
{
    private static readonly string[] HarnessFiles = ["cuda_warp_shim.h", "pouw_cpu_main.c"];

    private readonly string _directory = Directory.CreateTempSubdirectory("heatgrid-pouw-").FullName;
    private readonly Dictionary<PouwKernelBuild, string> _executables = [];
    private readonly Lock _gate = new();

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
            Span<byte> header = stackalloc byte[24];
            int[] fields = [p.M, p.N, p.K, p.Rank, p.Chunk, input.Capacity];
            for (var i = 0; i < fields.Length; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(header[(4 * i)..], (uint)fields[i]);
            }

            stream.Write(header);
            var host = CudaPouwKernelParameters.Create(p, input.SeedE, input.SeedF, input.TicketKey, input.Target);
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
            foreach (var launch in new[] { host.Noise(p.M), host.Noise(p.N), host.Mine(options), CudaPouwKernelParameters.Project(p.M), CudaPouwKernelParameters.Project(p.N), host.Denoise() })
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
                if (_executables.Count == 0)
                {
                    File.WriteAllText(Path.Combine(_directory, KernelSource.Pouw), KernelSource.Read(KernelSource.Pouw));
                    foreach (var file in HarnessFiles)
                    {
                        File.Copy(Path.Combine(AppContext.BaseDirectory, "Kernels", file), Path.Combine(_directory, file));
                    }
                }

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
