using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Energy.Gpu.Cuda;

/// <summary>
/// <see cref="Length"/> elements of <typeparamref name="T"/> in device memory (<c>cuMemAlloc_v2</c>),
/// freed on <see cref="Dispose"/>. Copies take spans of the same element type so sizes cannot drift
/// between host and device. Use it from a thread where its <see cref="CudaContext"/> is current.
/// </summary>
public sealed class DeviceBuffer<T> : IDisposable
    where T : unmanaged
{
    private readonly CudaContext _context;
    private ulong _pointer;

    internal DeviceBuffer(CudaContext context, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        _context = context;
        Length = length;
        SizeInBytes = checked((long)length * Unsafe.SizeOf<T>());
        context.Check(context.Api.MemAlloc((ulong)SizeInBytes, out _pointer), "cuMemAlloc_v2");
    }

    /// <summary>Elements.</summary>
    public int Length { get; }

    public long SizeInBytes { get; }

    /// <summary>The <c>CUdeviceptr</c>, for kernel arguments and cuBLAS.</summary>
    public ulong DevicePointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == 0, this);
            return _pointer;
        }
    }

    /// <summary>Copies <paramref name="source"/> to the start of the buffer and waits for it (<c>cuMemcpyHtoD_v2</c>).</summary>
    public void CopyFrom(ReadOnlySpan<T> source) =>
        _context.Check(_context.Api.MemcpyHtoD(DevicePointer, Bytes(source)), "cuMemcpyHtoD_v2");

    /// <summary>
    /// Copies <paramref name="source"/> to elements <paramref name="offset"/> … offset + length − 1 and
    /// waits for it (<c>cuMemcpyHtoD_v2</c>): fills a large buffer from a small host array.
    /// </summary>
    public void CopyFrom(ReadOnlySpan<T> source, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(source.Length, Length - offset, nameof(source));
        var destination = DevicePointer + checked((ulong)offset * (ulong)Unsafe.SizeOf<T>());
        _context.Check(_context.Api.MemcpyHtoD(destination, MemoryMarshal.AsBytes(source)), "cuMemcpyHtoD_v2");
    }

    /// <summary>Copies the start of the buffer into <paramref name="destination"/> and waits for it (<c>cuMemcpyDtoH_v2</c>).</summary>
    public void CopyTo(Span<T> destination) =>
        _context.Check(_context.Api.MemcpyDtoH(Bytes(destination), DevicePointer), "cuMemcpyDtoH_v2");

    /// <summary>
    /// Queues a copy from <paramref name="source"/> on <paramref name="stream"/> (<c>cuMemcpyHtoDAsync_v2</c>).
    /// Managed memory is pageable, so the driver has staged the bytes when this returns.
    /// </summary>
    public void EnqueueCopyFrom(ReadOnlySpan<T> source, CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _context.Check(_context.Api.MemcpyHtoDAsync(DevicePointer, Bytes(source), stream.Handle), "cuMemcpyHtoDAsync_v2");
    }

    /// <summary>
    /// Copies into <paramref name="destination"/> after the work queued on <paramref name="stream"/>
    /// (<c>cuMemcpyDtoHAsync_v2</c>); to pageable memory the call returns once the bytes are there.
    /// </summary>
    public void EnqueueCopyTo(Span<T> destination, CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _context.Check(_context.Api.MemcpyDtoHAsync(Bytes(destination), DevicePointer, stream.Handle), "cuMemcpyDtoHAsync_v2");
    }

    /// <summary>Sets every byte to zero (<c>cuMemsetD8_v2</c>).</summary>
    public void Clear() =>
        _context.Check(_context.Api.MemsetD8(DevicePointer, 0, (ulong)SizeInBytes), "cuMemsetD8_v2");

    /// <summary>Frees the memory (<c>cuMemFree_v2</c>).</summary>
    public void Dispose()
    {
        if (_pointer != 0)
        {
            // A failed free (a sticky error from an earlier launch, a destroyed context) must not hide
            // the exception that is usually unwinding through this Dispose.
            _ = _context.Api.MemFree(_pointer);
            _pointer = 0;
        }
    }

    private Span<byte> Bytes(Span<T> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(destination.Length, Length, nameof(destination));
        return MemoryMarshal.AsBytes(destination);
    }

    private ReadOnlySpan<byte> Bytes(ReadOnlySpan<T> source)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(source.Length, Length, nameof(source));
        return MemoryMarshal.AsBytes(source);
    }
}
