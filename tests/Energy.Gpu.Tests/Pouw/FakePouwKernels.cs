using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Energy.Gpu.Interop;
using Energy.Gpu.Pouw;
using Energy.Gpu.Tests.Interop;

namespace Energy.Gpu.Tests.Pouw;

/// <summary>
/// "Runs" pouw.cu's kernels on the fake driver's memory with the C# reference, from the arguments the host
/// packed (decoded with each kernel's parameter sizes, in the .cu's order): pouw_noise with PouwNoise,
/// pouw_project from PouwNoise's entries (the plane rows [U_p | L_E] or [L_F | V_p], split by
/// CudaPouwKernelParameters.PlaneDigits), pouw_mine with PouwTranscript (the plain build, told by the module's
/// NVRTC options, only multiplies) and then, when given planes, the denoising from the plane rows the host passed. A host that passes a wrong seed word, buffer or
/// size gets a wrong product or refused tickets. Also plays cuBLAS's int8 GemmEx (TN, column-major).
/// </summary>
internal sealed class FakePouwKernels
{
    /// <summary>Each kernel's parameter sizes in bytes (pointers 8, unsigned int 4), held to the .cu by a test.</summary>
    public static readonly Dictionary<string, int[]> Sizes = new(StringComparer.Ordinal)
    {
        [CudaPouwKernelParameters.NoiseKernel] = [8, 8, 4, 4, 4, 4, 4, 4, 4],
        [CudaPouwKernelParameters.MineKernel] = [8, 8, 8, 8, 8, 8, 4, 4, 4, 4, 4, 4, 8, 8, 4, 8],
        [CudaPouwKernelParameters.ProjectKernel] = [8, 8, 4, 4, 4, 4, 4, 4, 4, 4, 4],
    };

    private readonly FakeCudaDriverApi _api;

    public FakePouwKernels(FakeCudaDriverApi api, FakeCublasApi? cublas = null)
    {
        _api = api;
        api.OnLaunch = Run;
        if (cublas is not null)
        {
            cublas.OnGemm = Gemm;
        }
    }

    /// <summary>Each launch: the kernel's name, whether it was the plain build, its argument values.</summary>
    public List<(string Name, bool Plain, ulong[] Arguments, FakeCudaDriverApi.LaunchRecord Record)> Launches { get; } = [];

    /// <summary>Runs on the winners buffer (count, then entries) after each transcript pouw_mine: a test forges what the GPU reported.</summary>
    public Action<Span<uint>>? AfterMine { get; set; }

    private void Run(FakeCudaDriverApi.LaunchRecord record)
    {
        var (name, module) = _api.Functions[record.Function];
        // FakeNvrtcApi's CUBIN is "ELF|name|options|source": the build is told by its options.
        var plain = Encoding.UTF8.GetString(_api.ModuleImages[module]).Split('|')[2].Contains("-DPOUW_TRANSCRIPT=0", StringComparison.Ordinal);
        var sizes = Sizes[name];
        Assert.Equal(sizes.Length, record.ParameterPointers.Length);
        var args = new ulong[sizes.Length];
        for (var i = 0; i < sizes.Length; i++)
        {
            args[i] = unchecked(sizes[i] == 8 ? (ulong)Marshal.ReadInt64(record.ParameterPointers[i]) : (uint)Marshal.ReadInt32(record.ParameterPointers[i]));
        }

        Launches.Add((name, plain, args, record));
        switch (name)
        {
            case CudaPouwKernelParameters.NoiseKernel: Noise(args); break;
            case CudaPouwKernelParameters.MineKernel: Mine(args, plain); break;
            case CudaPouwKernelParameters.ProjectKernel: Project(args); break;
            default: throw new InvalidOperationException(name);
        }
    }

    private Span<sbyte> Bytes(ulong pointer, long count) => MemoryMarshal.Cast<byte, sbyte>(_api.At(pointer)[..checked((int)count)]);

    private Span<int> Ints(ulong pointer, long count) => MemoryMarshal.Cast<byte, int>(_api.At(pointer))[..checked((int)count)];

    private static byte[] Seed(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        var seed = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(seed, (uint)s0);
        BinaryPrimitives.WriteUInt32LittleEndian(seed.AsSpan(4), (uint)s1);
        BinaryPrimitives.WriteUInt32LittleEndian(seed.AsSpan(8), (uint)s2);
        BinaryPrimitives.WriteUInt32LittleEndian(seed.AsSpan(12), (uint)s3);
        return seed;
    }

    // x, noisy, rows, k, rank, s0..s3
    private void Noise(ulong[] a)
    {
        var (rows, k, rank) = ((int)a[2], (int)a[3], (int)a[4]);
        var x = Bytes(a[0], (long)rows * k).ToArray();
        PouwNoise.Add(Seed(a[5], a[6], a[7], a[8]), x, rows, k, rank, Bytes(a[1], (long)rows * k));
    }

    // a, w, a_planes, w_planes, c_out, c_noisy, m, n, k, chunk, rank, planes, key_and_target, winners, capacity, digests
    private void Mine(ulong[] a, bool plain)
    {
        var (m, n, k, chunk, rank, planes) = ((int)a[6], (int)a[7], (int)a[8], (int)a[9], (int)a[10], (int)a[11]);
        var aRows = Bytes(a[0], (long)m * k).ToArray();
        var wRows = Bytes(a[1], (long)n * k).ToArray();
        var c = Ints(a[4], (long)m * n);
        if (plain)
        {
            PouwProduct.Multiply(aRows, wRows, m, n, k).CopyTo(c);
        }
        else
        {
            Transcript(a, aRows, wRows, m, n, k, chunk, c);
        }

        if (a[5] != 0)
        {
            c.CopyTo(Ints(a[5], (long)m * n));
        }

        if (planes > 0)
        {
            Denoise(a[2], a[3], m, n, rank, planes, c);
        }

        if (!plain)
        {
            AfterMine?.Invoke(MemoryMarshal.Cast<byte, uint>(_api.At(a[13]))[..CudaPouwKernelParameters.WinnerBufferWords((int)a[14])]);
        }
    }

    private void Transcript(ulong[] a, sbyte[] aRows, sbyte[] wRows, int m, int n, int k, int chunk, Span<int> c)
    {
        var words = MemoryMarshal.Cast<byte, uint>(_api.At(a[12]))[..16];
        var key = new byte[32];
        var target = new byte[32];
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(key.AsSpan(4 * i), words[i]);
            BinaryPrimitives.WriteUInt32BigEndian(target.AsSpan(4 * i), words[8 + i]);
        }

        var capacity = (int)a[14];
        var winners = MemoryMarshal.Cast<byte, uint>(_api.At(a[13]))[..CudaPouwKernelParameters.WinnerBufferWords(capacity)];
        var p = new PouwParameters(m, n, k, 1, 16, 16, chunk);
        var digests = new uint[p.Points];
        var hash = new byte[32];
        for (var ti = 0; ti < p.TileRows; ti++)
        {
            for (var tj = 0; tj < p.TileCols; tj++)
            {
                PouwTranscript.PointDigests(aRows.AsSpan(ti * 16 * k, 16 * k), wRows.AsSpan(tj * 16 * k, 16 * k), p, key, ti, tj, digests, c[((ti * 16 * n) + (tj * 16))..], n);
                PouwTranscript.TileHash(key, ti, tj, digests, hash);
                if (PouwTranscript.MeetsTarget(hash, target))
                {
                    var index = (int)winners[0]++;
                    if (index < capacity)
                    {
                        var entry = winners.Slice(1 + (index * CudaPouwKernelParameters.WinnerWords), CudaPouwKernelParameters.WinnerWords);
                        entry[0] = (uint)ti;
                        entry[1] = (uint)tj;
                        for (var i = 0; i < 8; i++)
                        {
                            entry[2 + i] = BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(4 * i));
                        }
                    }
                }
            }
        }
    }

    // C -= sum_p 256^p * (row i of a_planes' plane p) . (row j of w_planes' plane p): the fused denoising.
    private void Denoise(ulong aPlanes, ulong wPlanes, int m, int n, int rank, int planes, Span<int> c)
    {
        var width = CudaPouwKernelParameters.PlaneWidthFor(rank);
        var left = Bytes(aPlanes, (long)m * planes * width).ToArray();
        var right = Bytes(wPlanes, (long)n * planes * width).ToArray();
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var correction = 0;
                for (var p = planes - 1; p >= 0; p--)
                {
                    var dot = 0;
                    for (var x = 0; x < width; x++)
                    {
                        dot += left[(((i * planes) + p) * width) + x] * right[(((j * planes) + p) * width) + x];
                    }

                    correction = unchecked((correction * 256) + dot);
                }

                c[(i * n) + j] = unchecked(c[(i * n) + j] - correction);
            }
        }
    }

    // x, out, rows, k, rank, q0, q1, l0, l1, l_first, planes: rows [P_p | L] (l_first = 0) or [L | P_p], P = X*Q^T.
    private void Project(ulong[] a)
    {
        var (rows, k, rank, planes) = ((int)a[2], (int)a[3], (int)a[4], (int)a[10]);
        var lFirst = a[9] != 0;
        var width = CudaPouwKernelParameters.PlaneWidthFor(rank);
        var x = Bytes(a[0], (long)rows * k).ToArray();
        var output = Bytes(a[1], (long)rows * planes * width);
        var digits = new sbyte[planes];
        output.Clear();
        for (var i = 0; i < rows; i++)
        {
            for (var t = 0; t < rank; t++)
            {
                var sum = 0;
                for (var l = 0; l < k; l++)
                {
                    sum += x[(i * k) + l] * PouwNoise.Entry((uint)a[5], (uint)a[6], (t * k) + l);
                }

                Assert.Equal(0, CudaPouwKernelParameters.PlaneDigits(sum, digits));
                var factor = (sbyte)PouwNoise.Entry((uint)a[7], (uint)a[8], (i * rank) + t);
                for (var p = 0; p < planes; p++)
                {
                    var row = output.Slice(((i * planes) + p) * width, width);
                    row[(lFirst ? rank : 0) + t] = digits[p];
                    row[(lFirst ? 0 : rank) + t] = factor;
                }
            }
        }
    }

    private void Gemm(FakeCublasApi.GemmCall call)
    {
        Assert.Equal((CudaDataType.R8I, CudaDataType.R8I, CudaDataType.R32I, CublasComputeType.Compute32I), (call.AType, call.BType, call.CType, call.ComputeType));
        Assert.Equal((CublasOperation.Transpose, CublasOperation.None), (call.TransA, call.TransB));

        // Column-major: C (M×N, ldc) = op(A)ᵀ-stored (A is K×M, lda) times B (K×N, ldb).
        var a = Bytes(call.A, (long)call.Lda * call.M).ToArray();
        var b = Bytes(call.B, (long)call.Ldb * call.N).ToArray();
        var c = Ints(call.C, (long)call.Ldc * call.N);
        for (var col = 0; col < call.N; col++)
        {
            for (var row = 0; row < call.M; row++)
            {
                var sum = 0;
                for (var l = 0; l < call.K; l++)
                {
                    sum += a[(row * call.Lda) + l] * b[(col * call.Ldb) + l];
                }

                c[(col * call.Ldc) + row] = sum;
            }
        }
    }
}
