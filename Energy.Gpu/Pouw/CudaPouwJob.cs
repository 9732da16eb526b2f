using Energy.Gpu.Cuda;

namespace Energy.Gpu.Pouw;

/// <summary>
/// One job's state on the GPU (<see cref="CudaPouwGemm.PrepareJob"/>): W and W' (made once per job), the
/// host's W and its Merkle tree for the tickets' openings, and the buffers every batch of the job's shape
/// reuses: A, A', C (denoised in pouw_mine's epilogue), the plane rows of U beside L_E (m×P×w bytes) and of L_F
/// beside V (n×P×w bytes, P = <see cref="CudaPouwKernelParameters.PlanesFor"/>(k), w = 2r rounded up to 32), the
/// winners and pouw_mine's key and target.
/// The plain product's buffer is made on first use (the bench only).
/// </summary>
public sealed class CudaPouwJob : IDisposable
{
    private readonly CudaContext _context;
    private DeviceBuffer<int>? _plainProduct;

    internal CudaPouwJob(CudaContext context, PouwHeader header, ReadOnlyMemory<sbyte> weights, PouwMerkle weightsTree, int winnerCapacity)
    {
        _context = context;
        Header = header;
        var p = header.Parameters;
        Parameters = p;
        HostWeights = weights;
        WeightsTree = weightsTree;
        SeedF = header.SeedF();
        WinnerCapacity = winnerCapacity;
        var made = new List<IDisposable>();
        try
        {
            Weights = Track(context.Allocate<sbyte>(p.N * p.K), made);
            NoisyWeights = Track(context.Allocate<sbyte>(p.N * p.K), made);
            Activations = Track(context.Allocate<sbyte>(p.M * p.K), made);
            NoisyActivations = Track(context.Allocate<sbyte>(p.M * p.K), made);
            Product = Track(context.Allocate<int>(p.M * p.N), made);
            var planeRow = CudaPouwKernelParameters.PlanesFor(p.K) * CudaPouwKernelParameters.PlaneWidthFor(p.Rank);
            ActivationPlanes = Track(context.Allocate<sbyte>(checked(p.M * planeRow)), made);
            WeightPlanes = Track(context.Allocate<sbyte>(checked(p.N * planeRow)), made);
            Winners = Track(context.Allocate<uint>(CudaPouwKernelParameters.WinnerBufferWords(winnerCapacity)), made);
            KeyAndTarget = Track(context.Allocate<uint>(16), made);
        }
        catch
        {
            foreach (var buffer in made)
            {
                buffer.Dispose();
            }

            throw;
        }
    }

    /// <summary>The header the job was prepared with (its weights, epoch and shape hold for every header of the job).</summary>
    public PouwHeader Header { get; }

    public string Tenant => Header.Tenant;

    public string Job => Header.Job;

    public PouwParameters Parameters { get; }

    public byte[] SeedF { get; }

    public ReadOnlyMemory<sbyte> HostWeights { get; }

    public PouwMerkle WeightsTree { get; }

    public int WinnerCapacity { get; }

    /// <summary>GPU time of W's upload and of making W' (once per job).</summary>
    public TimeSpan WeightsUpload { get; internal set; }

    public TimeSpan WeightsNoise { get; internal set; }

    public DeviceBuffer<sbyte> Weights { get; }

    public DeviceBuffer<sbyte> NoisyWeights { get; }

    public DeviceBuffer<sbyte> Activations { get; }

    public DeviceBuffer<sbyte> NoisyActivations { get; }

    /// <summary>C = A·Wᵀ after pouw_mine (denoised in its epilogue).</summary>
    public DeviceBuffer<int> Product { get; }

    /// <summary>pouw_project's rows for A: [U_p | L_E | 0] per plane p, U = A·Q_Fᵀ.</summary>
    public DeviceBuffer<sbyte> ActivationPlanes { get; }

    /// <summary>pouw_project's rows for W': [L_F | V_p | 0] per plane p, V = W'·Q_Eᵀ.</summary>
    public DeviceBuffer<sbyte> WeightPlanes { get; }

    public DeviceBuffer<uint> Winners { get; }

    public DeviceBuffer<uint> KeyAndTarget { get; }

    /// <summary>The plain GEMM's output (m×n int32), allocated on first use.</summary>
    public DeviceBuffer<int> PlainProduct => _plainProduct ??= _context.Allocate<int>(Parameters.M * Parameters.N);

    public void Dispose()
    {
        _plainProduct?.Dispose();
        KeyAndTarget?.Dispose();
        Winners?.Dispose();
        WeightPlanes?.Dispose();
        ActivationPlanes?.Dispose();
        Product?.Dispose();
        NoisyActivations?.Dispose();
        Activations?.Dispose();
        NoisyWeights?.Dispose();
        Weights?.Dispose();
    }

    private static DeviceBuffer<T> Track<T>(DeviceBuffer<T> buffer, List<IDisposable> made)
        where T : unmanaged
    {
        made.Add(buffer);
        return buffer;
    }
}
