using Energy.Gpu.Interop;

namespace Energy.Gpu.Cuda;

/// <summary>
/// A retained reference to a device's primary context: the one the CUDA runtime, and so cuBLAS, also
/// uses, which is why HeatGrid never creates contexts of its own. A CUDA context is current per thread:
/// every thread that calls into CUDA (allocations, copies, launches, cuBLAS, disposal) must call
/// <see cref="MakeCurrent"/> first; <see cref="RetainPrimary"/> does it only for the thread that retains.
/// </summary>
public sealed class CudaContext : IDisposable
{
    private bool _released;

    private CudaContext(ICudaDriverApi api, CudaDevice device, nint handle)
    {
        Api = api;
        Device = device;
        Handle = handle;
    }

    public ICudaDriverApi Api { get; }

    public CudaDevice Device { get; }

    /// <summary>The <c>CUcontext</c>.</summary>
    public nint Handle { get; }

    /// <summary><c>cuDevicePrimaryCtxRetain</c> then <c>cuCtxSetCurrent</c> on the calling thread.</summary>
    public static CudaContext RetainPrimary(ICudaDriverApi api, CudaDevice device)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(device);
        CudaException.ThrowIfFailed(api, api.DevicePrimaryCtxRetain(device.Handle, out var handle), "cuDevicePrimaryCtxRetain");
        var context = new CudaContext(api, device, handle);
        context.MakeCurrent();
        return context;
    }

    /// <summary>Binds the context to the calling thread (<c>cuCtxSetCurrent</c>); cheap, call it on each worker thread.</summary>
    public void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_released, this);
        CudaException.ThrowIfFailed(Api, Api.CtxSetCurrent(Handle), "cuCtxSetCurrent");
    }

    /// <summary>Waits for all work in the context (<c>cuCtxSynchronize</c>); reports errors of earlier launches.</summary>
    public void Synchronize() => Check(Api.CtxSynchronize(), "cuCtxSynchronize");

    /// <summary>Device memory for <paramref name="length"/> elements of <typeparamref name="T"/>.</summary>
    public DeviceBuffer<T> Allocate<T>(int length)
        where T : unmanaged => new(this, length);

    /// <summary>A stream; non-blocking ones do not serialise with the legacy default stream.</summary>
    public CudaStream CreateStream(bool nonBlocking = true) => new(this, nonBlocking ? CudaStream.NonBlockingFlag : 0u);

    /// <summary>A timing event; <paramref name="blockingSync"/> makes waits sleep instead of spin.</summary>
    public CudaEvent CreateEvent(bool blockingSync = false) => new(this, blockingSync ? CudaEvent.BlockingSyncFlag : 0u);

    /// <summary>Loads a CUBIN (e.g. from <see cref="KernelCompiler"/>) with <c>cuModuleLoadData</c>.</summary>
    public CudaModule LoadModule(ReadOnlySpan<byte> image) => new(this, image);

    /// <summary>Releases the retain (<c>cuDevicePrimaryCtxRelease_v2</c>); the context lives on while others hold it.</summary>
    public void Dispose()
    {
        if (!_released)
        {
            _released = true;

            // Nothing useful can be done with a failed release while disposing; the driver frees the
            // primary context at process exit in any case.
            _ = Api.DevicePrimaryCtxRelease(Device.Handle);
        }
    }

    /// <summary>Throws a <see cref="CudaException"/> naming <paramref name="function"/> unless <paramref name="code"/> is success.</summary>
    internal void Check(CuResult code, string function) => CudaException.ThrowIfFailed(Api, code, function);
}
