namespace Energy.Gpu.Interop;

/// <summary>The <c>CUfunction_attribute</c> values (cuda.h) HeatGrid reads with <c>cuFuncGetAttribute</c>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "NVIDIA's name, CUfunction_attribute")]
public enum CuFunctionAttribute
{
    /// <summary>The most threads a block of this kernel may have (registers permitting).</summary>
    MaxThreadsPerBlock = 0,

    /// <summary>Bytes of statically allocated shared memory per block.</summary>
    SharedSizeBytes = 1,

    /// <summary>Bytes of local memory per thread: above zero means register spills.</summary>
    LocalSizeBytes = 3,

    /// <summary>Registers per thread.</summary>
    NumRegisters = 4,
}
