using System.Runtime.CompilerServices;

namespace Energy.Gpu.Cuda;

/// <summary>
/// A kernel's parameter values in declaration order, built without unsafe code. <c>cuLaunchKernel</c>
/// takes <c>void** kernelParams</c>, one pointer per parameter to a copy of its value;
/// <see cref="CudaKernel.Launch"/> pins these values and builds that array for the length of the call
/// (the driver copies the values during it). Each value must have exactly the size of the kernel's
/// parameter: <c>uint</c> for <c>unsigned int</c>, <see cref="ulong"/> (or a buffer) for a pointer.
/// </summary>
public sealed class KernelArguments
{
    private readonly List<int> _offsets = [];
    private byte[] _values = new byte[64];
    private int _used;

    /// <summary>Parameters added so far.</summary>
    public int Count => _offsets.Count;

    /// <summary>Appends a by-value parameter, aligned to its own size (up to 16 bytes) as the C ABI lays it out.</summary>
    public KernelArguments Add<T>(T value)
        where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var alignment = Math.Min(16, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)size));
        var offset = (_used + alignment - 1) / alignment * alignment;
        if (offset + size > _values.Length)
        {
            Array.Resize(ref _values, Math.Max(_values.Length * 2, offset + size));
        }

        Unsafe.WriteUnaligned(ref _values[offset], value);
        _offsets.Add(offset);
        _used = offset + size;
        return this;
    }

    /// <summary>Appends a device pointer parameter (<c>T*</c> in the kernel).</summary>
    public KernelArguments Add<T>(DeviceBuffer<T> buffer)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return Add(buffer.DevicePointer);
    }

    /// <summary>The value block; pin it and point into it at <see cref="Offsets"/>.</summary>
    internal byte[] Values => _values;

    internal IReadOnlyList<int> Offsets => _offsets;
}
