namespace Energy.Gpu.Cuda;

/// <summary>
/// A CUDA event (<c>cuEventCreate</c>) recorded into a stream: the GPU's own clock for how long queued
/// work took, without the host's launch and synchronisation overheads.
/// </summary>
public sealed class CudaEvent : IDisposable
{
    /// <summary><c>CU_EVENT_BLOCKING_SYNC</c>.</summary>
    internal const uint BlockingSyncFlag = 0x1;

    private readonly CudaContext _context;
    private nint _handle;

    internal CudaEvent(CudaContext context, uint flags)
    {
        _context = context;
        context.Check(context.Api.EventCreate(flags, out _handle), "cuEventCreate");
    }

    /// <summary>The <c>CUevent</c>.</summary>
    public nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle == 0, this);
            return _handle;
        }
    }

    /// <summary>Marks the point in <paramref name="stream"/> (the legacy default stream when null) it completes at.</summary>
    public void Record(CudaStream? stream = null) =>
        _context.Check(_context.Api.EventRecord(Handle, stream?.Handle ?? 0), "cuEventRecord");

    /// <summary>Blocks until the recorded work is done (<c>cuEventSynchronize</c>).</summary>
    public void Synchronize() => _context.Check(_context.Api.EventSynchronize(Handle), "cuEventSynchronize");

    /// <summary>
    /// GPU time from <paramref name="start"/> to <paramref name="end"/> (<c>cuEventElapsedTime_v2</c>,
    /// milliseconds with about 0.5 µs resolution). Both must have been recorded and completed.
    /// </summary>
    public static TimeSpan Elapsed(CudaEvent start, CudaEvent end)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(end);
        start._context.Check(start._context.Api.EventElapsedTime(start.Handle, end.Handle, out var ms), "cuEventElapsedTime_v2");
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary><c>cuEventDestroy_v2</c>.</summary>
    public void Dispose()
    {
        if (_handle != 0)
        {
            _ = _context.Api.EventDestroy(_handle);
            _handle = 0;
        }
    }
}
