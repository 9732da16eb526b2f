namespace Energy.Gpu.Cuda;

/// <summary>A loaded CUBIN (<c>cuModuleLoadData</c>), unloaded on <see cref="Dispose"/>; its kernels die with it.</summary>
public sealed class CudaModule : IDisposable
{
    private readonly CudaContext _context;
    private nint _handle;

    internal CudaModule(CudaContext context, ReadOnlySpan<byte> image)
    {
        if (image.IsEmpty)
        {
            throw new ArgumentException("A module image (CUBIN) is needed.", nameof(image));
        }

        _context = context;
        context.Check(context.Api.ModuleLoadData(image, out _handle), "cuModuleLoadData");
    }

    /// <summary>The <c>CUmodule</c>.</summary>
    public nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle == 0, this);
            return _handle;
        }
    }

    /// <summary>
    /// The <c>__global__</c> function <paramref name="name"/> (<c>cuModuleGetFunction</c>); declare it
    /// <c>extern "C"</c> or the name is C++-mangled.
    /// </summary>
    public CudaKernel GetKernel(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _context.Check(_context.Api.ModuleGetFunction(Handle, name, out var function), $"cuModuleGetFunction({name})");
        return new CudaKernel(_context, name, function);
    }

    /// <summary><c>cuModuleUnload</c>.</summary>
    public void Dispose()
    {
        if (_handle != 0)
        {
            _ = _context.Api.ModuleUnload(_handle);
            _handle = 0;
        }
    }
}
