using Energy.Gpu.Interop;

namespace Energy.Gpu.Cuda;

/// <summary>A <c>__global__</c> function of a loaded <see cref="CudaModule"/> (<c>CUfunction</c>), valid while the module is.</summary>
public sealed unsafe class CudaKernel
{
    private readonly CudaContext _context;

    internal CudaKernel(CudaContext context, string name, nint handle)
    {
        _context = context;
        Name = name;
        Handle = handle;
    }

    public string Name { get; }

    /// <summary>The <c>CUfunction</c>.</summary>
    public nint Handle { get; }

    /// <summary>Registers per thread as compiled (<c>cuFuncGetAttribute</c>, <c>CU_FUNC_ATTRIBUTE_NUM_REGS</c>).</summary>
    public int Registers => GetAttribute(CuFunctionAttribute.NumRegisters);

    /// <summary>A <c>cuFuncGetAttribute</c> value.</summary>
    public int GetAttribute(CuFunctionAttribute attribute)
    {
        _context.Check(_context.Api.FuncGetAttribute(attribute, Handle, out var value), $"cuFuncGetAttribute({Name}, {attribute})");
        return value;
    }

    /// <summary>
    /// Blocks of <paramref name="threadsPerBlock"/> threads resident on one SM at once
    /// (<c>cuOccupancyMaxActiveBlocksPerMultiprocessor</c>); times the SM count it is one full wave.
    /// </summary>
    public int MaxActiveBlocksPerMultiprocessor(int threadsPerBlock, int dynamicSharedMemoryBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerBlock, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(dynamicSharedMemoryBytes);
        var code = _context.Api.OccupancyMaxActiveBlocksPerMultiprocessor(Handle, threadsPerBlock, (ulong)dynamicSharedMemoryBytes, out var blocks);
        _context.Check(code, $"cuOccupancyMaxActiveBlocksPerMultiprocessor({Name})");
        return blocks;
    }

    /// <summary>
    /// Queues the kernel (<c>cuLaunchKernel</c>) on <paramref name="stream"/>, or the legacy default
    /// stream when null; returns without waiting. Launch errors (bad shape, too much shared memory)
    /// throw here; faults inside the kernel surface at the next synchronisation.
    /// </summary>
    /// <param name="grid">Blocks per grid.</param>
    /// <param name="block">Threads per block.</param>
    /// <param name="arguments">The parameter values in declaration order.</param>
    /// <param name="stream">The stream to queue on.</param>
    /// <param name="sharedMemoryBytes">Dynamic shared memory per block, in bytes.</param>
    public void Launch(Dim3 grid, Dim3 block, KernelArguments arguments, CudaStream? stream = null, uint sharedMemoryBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var offsets = arguments.Offsets;
        Span<nint> pointers = offsets.Count <= 32 ? stackalloc nint[offsets.Count] : new nint[offsets.Count];
        var streamHandle = stream?.Handle ?? 0;
        fixed (byte* values = arguments.Values)
        {
            for (var i = 0; i < offsets.Count; i++)
            {
                pointers[i] = (nint)(values + offsets[i]);
            }

            var code = _context.Api.LaunchKernel(Handle, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z,
                sharedMemoryBytes, streamHandle, pointers);
            _context.Check(code, $"cuLaunchKernel({Name})");
        }
    }
}
