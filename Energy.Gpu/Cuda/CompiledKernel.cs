namespace Energy.Gpu.Cuda;

/// <summary>
/// A CUBIN for one architecture, ready for <see cref="CudaContext.LoadModule"/>.
/// <see cref="FromCache"/> says whether NVRTC ran; <see cref="CompileLog"/> is NVRTC's log when it did
/// (warnings), empty for a cache hit.
/// </summary>
public sealed record CompiledKernel(
    string ProgramName,
    string Architecture,
    ReadOnlyMemory<byte> Cubin,
    string CacheKey,
    bool FromCache,
    string CompileLog);
