using Energy.Gpu.Interop;

namespace Energy.Gpu.Cuda;

/// <summary>
/// A CUDA stream (<c>cuStreamCreate</c>): work queued on it runs in order, apart from other streams.
/// Kernels, async copies, events and the cuBLAS handle all take one.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "CUDA's term; not a System.IO.Stream")]
public sealed class CudaStream : IDisposable
{
    /// <summary><c>CU_STREAM_NON_BLOCKING</c>.</summary>
    internal const uint NonBlockingFlag = 0x1;

    private readonly CudaContext _context;
    private nint _handle;

    internal CudaStream(CudaContext context, uint flags)
    {
        _context = context;
        context.Check(context.Api.StreamCreate(flags, out _handle), "cuStreamCreate");
    }

    /// <summary>The <c>CUstream</c>.</summary>
    public nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle == 0, this);
            return _handle;
        }
    }

    /// <summary>True once all queued work is done (<c>cuStreamQuery</c>); throws if that work failed.</summary>
    public bool IsComplete
    {
        get
        {
            var code = _context.Api.StreamQuery(Handle);
            if (code == CuResult.NotReady)
            {
                return false;
            }

            _context.Check(code, "cuStreamQuery");
            return true;
        }
    }

    /// <summary>Blocks until all queued work is done (<c>cuStreamSynchronize</c>).</summary>
    public void Synchronize() => _context.Check(_context.Api.StreamSynchronize(Handle), "cuStreamSynchronize");

    /// <summary><c>cuStreamDestroy_v2</c>: returns at once; queued work still completes.</summary>
    public void Dispose()
    {
        if (_handle != 0)
        {
            _ = _context.Api.StreamDestroy(_handle);
            _handle = 0;
        }
    }
}
