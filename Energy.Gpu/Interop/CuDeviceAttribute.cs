namespace Energy.Gpu.Interop;

/// <summary>
/// The <c>CUdevice_attribute</c> values (cuda.h) HeatGrid reads with <c>cuDeviceGetAttribute</c>.
/// Units are the driver's: bytes, kHz, threads.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "NVIDIA's name, CUdevice_attribute")]
public enum CuDeviceAttribute
{
    MaxThreadsPerBlock = 1,
    MaxBlockDimX = 2,
    MaxGridDimX = 5,

    /// <summary>Bytes of static shared memory a block may use without opting in.</summary>
    MaxSharedMemoryPerBlock = 8,
    WarpSize = 10,
    MaxRegistersPerBlock = 12,

    /// <summary>Peak SM clock in kHz.</summary>
    ClockRate = 13,
    MultiprocessorCount = 16,
    PciBusId = 33,
    PciDeviceId = 34,

    /// <summary>Peak memory clock in kHz.</summary>
    MemoryClockRate = 36,

    /// <summary>Bits.</summary>
    GlobalMemoryBusWidth = 37,

    /// <summary>Bytes.</summary>
    L2CacheSize = 38,
    MaxThreadsPerMultiprocessor = 39,
    PciDomainId = 50,
    ComputeCapabilityMajor = 75,
    ComputeCapabilityMinor = 76,

    /// <summary>Bytes of shared memory a block may use after <c>cuFuncSetAttribute</c> opts in.</summary>
    MaxSharedMemoryPerBlockOptin = 97,
}
