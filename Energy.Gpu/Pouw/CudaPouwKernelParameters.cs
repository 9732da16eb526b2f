using System.Buffers.Binary;
using System.Globalization;
using Energy.Gpu.Cuda;

namespace Energy.Gpu.Pouw;

/// <summary>One kernel launch's shape: the grid in blocks and the block in threads.</summary>
public readonly record struct PouwLaunch(Dim3 Grid, Dim3 Block);

/// <summary>One entry of pouw_mine's winners buffer: the tile and its hash (32 bytes, a big-endian number).</summary>
public sealed record PouwKernelWinner(int Ti, int Tj, byte[] Hash);

/// <summary>
/// How Kernels/pouw.cu is compiled: with the transcript (the miner) or without (the plain GEMM the bench
/// compares against), and its warps per block as a <see cref="WarpsM"/>×<see cref="WarpsN"/> grid of
/// 16×16 hash tiles.
/// </summary>
public sealed record CudaPouwKernelOptions
{
    public bool Transcript { get; init; } = true;

    public int WarpsM { get; init; } = 2;

    public int WarpsN { get; init; } = 2;

    /// <summary>Rows of A' one pouw_mine block covers.</summary>
    public int BlockM => CudaPouwKernelParameters.Tile * WarpsM;

    /// <summary>Rows of W' one pouw_mine block covers.</summary>
    public int BlockN => CudaPouwKernelParameters.Tile * WarpsN;

    public int MineThreads => 32 * WarpsM * WarpsN;

    /// <summary>The NVRTC options (the architecture is passed apart, see <see cref="KernelCompiler.Compile"/>).</summary>
    public IReadOnlyList<string> CompileOptions()
    {
        if (WarpsM < 1 || WarpsN < 1 || MineThreads > 1024)
        {
            throw new ArgumentException($"pouw_mine needs 1..32 warps per block ({WarpsM}×{WarpsN} asked).");
        }

        return
        [
            "-DPOUW_TRANSCRIPT=" + (Transcript ? "1" : "0"),
            "-DPOUW_WARPS_M=" + WarpsM.ToString(CultureInfo.InvariantCulture),
            "-DPOUW_WARPS_N=" + WarpsN.ToString(CultureInfo.InvariantCulture),
        ];
    }
}

/// <summary>
/// The host side of Kernels/pouw.cu for one shape, seeds, ticket key and target: the kernels' argument
/// words in the order and convention the kernel file documents, every launch's geometry, and the sizes
/// and decoding of its output buffers. Refuses what the kernel cannot do (hash tiles other than 16×16)
/// and parameters out of docs/pouw.md's bounds.
/// </summary>
public sealed class CudaPouwKernelParameters
{
    public const string NoiseKernel = "pouw_noise";
    public const string MineKernel = "pouw_mine";
    public const string ProjectKernel = "pouw_project";

    /// <summary>The one hash tile side the kernel supports.</summary>
    public const int Tile = 16;

    // Mirrors of the kernel file's macros (a test reads them from the source).
    public const int NoiseCols = 128;
    public const int NoiseRows = 32;
    public const int NoiseThreads = 128;
    public const int ProjectRows = 64;
    public const int ProjectThreads = 128;
    public const int MaxPlanes = 4;
    public const int WinnerWords = 10;

    private readonly uint[] _keyAndTarget = new uint[16];

    private CudaPouwKernelParameters(PouwParameters parameters, ReadOnlySpan<byte> seedE, ReadOnlySpan<byte> seedF, ReadOnlySpan<byte> ticketKey, ReadOnlySpan<byte> target)
    {
        Parameters = parameters;
        SeedEWords = SeedWords(seedE);
        SeedFWords = SeedWords(seedF);
        for (var i = 0; i < 8; i++)
        {
            _keyAndTarget[i] = BinaryPrimitives.ReadUInt32LittleEndian(ticketKey[(4 * i)..]);
            _keyAndTarget[8 + i] = BinaryPrimitives.ReadUInt32BigEndian(target[(4 * i)..]);
        }
    }

    /// <summary>The kernels' parameter names, in declaration order (a test holds the kernel file to them).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ParameterNames { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [NoiseKernel] = ["x", "noisy", "rows", "k", "rank", "s0", "s1", "s2", "s3"],
        [MineKernel] = ["a", "w", "a_planes", "w_planes", "c_out", "c_noisy", "m", "n", "k", "chunk", "rank", "planes", "key_and_target", "winners", "capacity", "digests"],
        [ProjectKernel] = ["x", "out", "rows", "k", "rank", "q0", "q1", "l0", "l1", "l_first", "planes"],
    };

    public PouwParameters Parameters { get; }

    /// <summary>seedE's words s0..s3 (u32le): (s0, s1) key L_E, (s2, s3) key Q_E.</summary>
    public IReadOnlyList<uint> SeedEWords { get; }

    /// <summary>seedF's words s0..s3 (u32le): (s0, s1) key L_F, (s2, s3) key Q_F.</summary>
    public IReadOnlyList<uint> SeedFWords { get; }

    /// <summary>pouw_mine's key_and_target: ticketKey as 8 u32le words, then the target as 8 big-endian words, most significant first.</summary>
    public ReadOnlySpan<uint> KeyAndTarget => _keyAndTarget;

    /// <summary>Words of pouw_mine's digests buffer (every tile's D_1..D_K), when the host asks for it.</summary>
    public long DigestWords => Parameters.Tiles * Parameters.Points;

    /// <summary>Planes of U and V for this k (<see cref="PlanesFor"/>).</summary>
    public int Planes => PlanesFor(Parameters.K);

    /// <summary>Bytes of one plane row (<see cref="PlaneWidthFor"/>).</summary>
    public int PlaneWidth => PlaneWidthFor(Parameters.Rank);

    /// <summary>
    /// The fewest signed 8-bit planes (at most <see cref="MaxPlanes"/>) whose digits hold every projection of
    /// an inner dimension <paramref name="k"/>: |U| ≤ (128 − r)·k and |V| ≤ 128·k (|W'| ≤ 128, Q ternary),
    /// and P planes of digits in [−128, 127] hold −128·(256^P − 1)/255 … 127·(256^P − 1)/255, so P is the
    /// least with 128·k ≤ 127·(256^P − 1)/255: 2 for k ≤ 254, 3 for k ≤ 65,279, 4 above (to k = 65,536).
    /// </summary>
    public static int PlanesFor(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, PouwParameters.MaxK);
        var bound = 128L * k;
        var planes = 1;
        while (127L * (((1L << (8 * planes)) - 1) / 255) < bound)
        {
            planes++;
        }

        return planes;
    }

    /// <summary>Bytes of a plane row pouw_project writes and pouw_mine stages: [U_p | L_E] or [L_F | V_p], 2r rounded up to 32.</summary>
    public static int PlaneWidthFor(int rank) => ((2 * rank) + 31) / 32 * 32;

    /// <summary>
    /// The kernel's plane split (pouw_plane_digit), low plane first: digit p is the low byte of the remainder
    /// read as a signed byte (a byte ≥ 0x80 is negative and carries one into the next plane), the remainder
    /// then (remainder − digit)/256. Returns the remainder after <paramref name="digits"/>.Length planes: 0
    /// exactly when value = Σ digit_p·256^p. For |value| &lt; 2^30.
    /// </summary>
    public static int PlaneDigits(int value, Span<sbyte> digits)
    {
        var rest = value;
        for (var p = 0; p < digits.Length; p++)
        {
            var digit = unchecked((sbyte)(byte)rest);
            digits[p] = digit;
            rest = (rest - digit) / 256;
        }

        return rest;
    }

    /// <summary>Null when the kernel can run these parameters, else why not (for people).</summary>
    public static string? Refusal(in PouwParameters parameters)
    {
        if (parameters.Check() is { } problem)
        {
            return problem;
        }

        return parameters.TileH != Tile || parameters.TileW != Tile
            ? string.Create(CultureInfo.InvariantCulture, $"the CUDA kernel mines 16×16 hash tiles only (tile {parameters.TileH}×{parameters.TileW})")
            : null;
    }

    /// <summary>The arguments for one job header's launches; seeds, key and target are 32 bytes each.</summary>
    public static CudaPouwKernelParameters Create(in PouwParameters parameters, ReadOnlySpan<byte> seedE, ReadOnlySpan<byte> seedF, ReadOnlySpan<byte> ticketKey, ReadOnlySpan<byte> target)
    {
        if (Refusal(parameters) is { } refusal)
        {
            throw new ArgumentException("The PoUW kernel cannot run " + parameters.ToString() + ": " + refusal + ".", nameof(parameters));
        }

        CheckHash(seedE, nameof(seedE));
        CheckHash(seedF, nameof(seedF));
        CheckHash(ticketKey, nameof(ticketKey));
        CheckHash(target, nameof(target));
        return new CudaPouwKernelParameters(parameters, seedE, seedF, ticketKey, target);
    }

    /// <summary>pouw_noise over an operand of <paramref name="rows"/> rows (m for A, n for W).</summary>
    public PouwLaunch Noise(int rows) => new(new Dim3(Blocks(Parameters.K, NoiseCols), Blocks(rows, NoiseRows)), new Dim3(NoiseThreads));

    /// <summary>pouw_mine: one warp per hash tile, blocks of options.WarpsM×WarpsN tiles (x over W', y over A').</summary>
    public PouwLaunch Mine(CudaPouwKernelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(new Dim3(Blocks(Parameters.N, options.BlockN), Blocks(Parameters.M, options.BlockM)), new Dim3((uint)options.MineThreads));
    }

    /// <summary>pouw_project over <paramref name="rows"/> rows (U = A·Q_Fᵀ over m, V = W'·Q_Eᵀ over n): a warp per 16 rows.</summary>
    public static PouwLaunch Project(int rows) => new(new Dim3(Blocks(rows, ProjectRows)), new Dim3(ProjectThreads));

    /// <summary>Words of a winners buffer with room for <paramref name="capacity"/> entries (the count first).</summary>
    public static int WinnerBufferWords(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        return checked(1 + (capacity * WinnerWords));
    }

    /// <summary>The kept entries of a winners buffer the kernel wrote (buffer[0] may count more than capacity).</summary>
    public static IReadOnlyList<PouwKernelWinner> ReadWinners(ReadOnlySpan<uint> buffer, int capacity)
    {
        if (buffer.Length < WinnerBufferWords(capacity))
        {
            throw new ArgumentException($"A buffer for {capacity} winners holds {WinnerBufferWords(capacity)} words; {buffer.Length} given.", nameof(buffer));
        }

        var kept = (int)Math.Min(buffer[0], (uint)capacity);
        var winners = new List<PouwKernelWinner>(kept);
        for (var i = 0; i < kept; i++)
        {
            var entry = buffer.Slice(1 + (i * WinnerWords), WinnerWords);
            var hash = new byte[32];
            for (var w = 0; w < 8; w++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(hash.AsSpan(4 * w), entry[2 + w]);
            }

            winners.Add(new PouwKernelWinner((int)entry[0], (int)entry[1], hash));
        }

        return winners;
    }

    private static uint[] SeedWords(ReadOnlySpan<byte> seed)
    {
        var words = new uint[4];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(seed[(4 * i)..]);
        }

        return words;
    }

    private static uint Blocks(int count, int perBlock) => (uint)((count + perBlock - 1) / perBlock);

    private static void CheckHash(ReadOnlySpan<byte> value, string name)
    {
        if (value.Length != 32)
        {
            throw new ArgumentException($"{name} must be 32 bytes ({value.Length} given).", name);
        }
    }
}
