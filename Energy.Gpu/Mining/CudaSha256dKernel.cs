using Energy.Gpu.Cuda;
using Energy.Gpu.Kernels;

namespace Energy.Gpu.Mining;

/// <summary>
/// Kernels/sha256d.cu on one GPU: compiled by NVRTC for the device's <c>sm_XX</c> (through the CUBIN
/// cache), launched on its own stream with the argument list the .cu documents: the
/// <see cref="Sha256dKernelParameters.WordCount"/> words, then first_nonce, last_nonce (inclusive),
/// nonces_per_thread, out and out_capacity. Each launch covers its range in one wave of resident
/// blocks (SM count × occupancy), so no SM idles behind a partial last wave. Create, use and dispose
/// it on a thread where <see cref="CudaContext"/> is current; <see cref="Launch"/> waits for the GPU.
/// </summary>
public sealed class CudaSha256dKernel : ISha256dKernel, IDisposable
{
    private readonly CudaModule _module;
    private readonly CudaKernel _kernel;
    private readonly DeviceBuffer<uint> _out;
    private readonly uint[] _host;

    private CudaSha256dKernel(CudaModule module, CudaKernel kernel, CudaStream stream, DeviceBuffer<uint> output,
        CompiledKernel compiled, TimeSpan compileTime, int threadsPerBlock, int residentBlocks, int candidateCapacity)
    {
        _module = module;
        _kernel = kernel;
        Stream = stream;
        _out = output;
        _host = new uint[candidateCapacity + 1];
        Compiled = compiled;
        CompileTime = compileTime;
        ThreadsPerBlock = threadsPerBlock;
        ResidentBlocks = residentBlocks;
        CandidateCapacity = candidateCapacity;
    }

    public int CandidateCapacity { get; }

    public int ThreadsPerBlock { get; }

    /// <summary>Blocks resident on the whole GPU at once: SMs × <c>cuOccupancyMaxActiveBlocksPerMultiprocessor</c>.</summary>
    public int ResidentBlocks { get; }

    /// <summary>The CUBIN, and whether it came from the cache.</summary>
    public CompiledKernel Compiled { get; }

    /// <summary>How long getting the CUBIN took (an NVRTC compile, or a cache read).</summary>
    public TimeSpan CompileTime { get; }

    /// <summary>Registers per thread (<c>CU_FUNC_ATTRIBUTE_NUM_REGS</c>).</summary>
    public int Registers => _kernel.Registers;

    /// <summary>Local memory per thread (<c>CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES</c>): above zero means register spills.</summary>
    public int LocalBytes => _kernel.GetAttribute(Interop.CuFunctionAttribute.LocalSizeBytes);

    public CudaStream Stream { get; }

    /// <summary>Compiles (or reads from the cache) and loads the kernel, and allocates its output buffer.</summary>
    public static CudaSha256dKernel Load(CudaContext context, KernelCompiler compiler, CudaSha256dKernelOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(compiler);
        options ??= new CudaSha256dKernelOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CandidateCapacity, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.ThreadsPerBlock, context.Device.MaxThreadsPerBlock, nameof(options));
        var time = timeProvider ?? TimeProvider.System;

        var started = time.GetTimestamp();
        var compiled = compiler.Compile(KernelSource.Read(KernelSource.Sha256d), KernelSource.Sha256d, context.Device.Architecture);
        var compileTime = time.GetElapsedTime(started);

        CudaModule? module = null;
        CudaStream? stream = null;
        DeviceBuffer<uint>? output = null;
        try
        {
            module = context.LoadModule(compiled.Cubin.Span);
            var kernel = module.GetKernel(Sha256dKernelParameters.KernelName);
            var perSm = Math.Max(1, kernel.MaxActiveBlocksPerMultiprocessor(options.ThreadsPerBlock));
            stream = context.CreateStream();
            output = context.Allocate<uint>(options.CandidateCapacity + 1);
            return new CudaSha256dKernel(module, kernel, stream, output, compiled, compileTime, options.ThreadsPerBlock,
                checked(perSm * context.Device.MultiprocessorCount), options.CandidateCapacity);
        }
        catch
        {
            output?.Dispose();
            stream?.Dispose();
            module?.Dispose();
            throw;
        }
    }

    /// <summary>The geometry a launch of <paramref name="count"/> nonces uses: one wave of <see cref="ResidentBlocks"/> at most.</summary>
    public Sha256dLaunchGeometry GeometryFor(long count) => Sha256dLaunchGeometry.FillingOneWave(count, ThreadsPerBlock, ResidentBlocks);

    public Sha256dLaunchResult Launch(Sha256dKernelParameters parameters, uint firstNonce, long count)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Sha256dLaunchGeometry.MaxLaunchNonces);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, CpuNonceSearch.FullRange - firstNonce);

        var geometry = GeometryFor(count);
        var arguments = new KernelArguments();
        foreach (var word in parameters.Words)
        {
            arguments.Add(word);
        }

        arguments
            .Add(firstNonce)
            .Add((uint)(firstNonce + count - 1))
            .Add((uint)geometry.NoncesPerThread)
            .Add(_out)
            .Add((uint)CandidateCapacity);

        // The kernel only adds to out[0]; the stream orders this reset before the launch.
        ReadOnlySpan<uint> zero = [0u];
        _out.EnqueueCopyFrom(zero, Stream);
        _kernel.Launch(new Dim3((uint)geometry.BlocksFor(count)), new Dim3((uint)ThreadsPerBlock), arguments, Stream);

        // A copy to pageable memory returns once the kernel and the copy are done.
        _out.EnqueueCopyTo(_host, Stream);
        var reported = _host[0];
        var kept = (int)Math.Min(reported, (uint)CandidateCapacity);
        return new Sha256dLaunchResult(_host.AsSpan(1, kept).ToArray(), reported);
    }

    public void Dispose()
    {
        _out.Dispose();
        Stream.Dispose();
        _module.Dispose();
    }
}
