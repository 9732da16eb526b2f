namespace Energy.Gpu.Pouw;

/// <summary>
/// PoUW for the <c>mining</c> workload of a CUDA GPU: where the batches come from, where verified tickets go,
/// the registry the miner's verifier consults (null: offline checks only) and the kernel's options.
/// </summary>
public sealed record CudaPouwMiningOptions(IPouwJobSource Source, IPouwTicketSink Sink, IPouwJobRegistry? Registry = null, CudaPouwGemmOptions? Gemm = null);
