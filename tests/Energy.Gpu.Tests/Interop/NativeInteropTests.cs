using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Energy.Gpu.Interop;

namespace Energy.Gpu.Tests.Interop;

public class NativeInteropTests
{
    [Fact]
    public void NvmlFieldValue_Layout_MatchesNvmlH()
    {
        Assert.Equal(40, Unsafe.SizeOf<NvmlFieldValue>());
        Assert.Equal(40, Marshal.SizeOf<NvmlFieldValue>());
        Assert.Equal(8, Unsafe.SizeOf<NvmlValue>());
        Assert.Equal([0, 4, 8, 16, 24, 28, 32],
            new[] { "FieldId", "ScopeId", "TimestampMicroseconds", "LatencyMicroseconds", "ValueType", "NvmlReturn", "Value" }
                .Select(f => Marshal.OffsetOf<NvmlFieldValue>(f).ToInt32()));
        Assert.Equal(8, Unsafe.SizeOf<NvmlUtilization>());
    }

    [Theory]
    [InlineData("nvml", "libnvidia-ml.so.1 not found: install the NVIDIA driver (580+)")]
    [InlineData("cuda", "libcuda.so.1 not found: install the NVIDIA driver (580+)")]
    public void MissingLibraryMessage_DriverLibraries_SayWhatToInstall(string name, string expected)
    {
        Assert.Equal(expected, NativeLibraries.MissingLibraryMessage(name));
    }

    [Fact]
    public void MissingLibraryMessage_Nvrtc_ListsBothSonames()
    {
        Assert.StartsWith("libnvrtc.so.13 / libnvrtc.so.12 not found: install", NativeLibraries.MissingLibraryMessage("nvrtc"), StringComparison.Ordinal);
        Assert.Equal(["libcublas.so.13", "libcublas.so.12"], NativeLibraries.SonamesFor("cublas"));
    }

    [Theory]
    [InlineData(NvmlReturn.Success, "NVML_SUCCESS")]
    [InlineData(NvmlReturn.NotSupported, "NVML_ERROR_NOT_SUPPORTED")]
    [InlineData(NvmlReturn.LibRmVersionMismatch, "NVML_ERROR_LIB_RM_VERSION_MISMATCH")]
    [InlineData((NvmlReturn)77, "NVML_ERROR(77)")]
    public void ToNvidiaName_MatchesNvmlH(NvmlReturn code, string expected)
    {
        Assert.Equal(expected, code.ToNvidiaName());
    }

    [Fact]
    public void NvmlReturn_DocumentedCodes()
    {
        Assert.Equal([0, 1, 2, 3, 4, 12, 13, 15, 999],
            new[] { NvmlReturn.Success, NvmlReturn.Uninitialized, NvmlReturn.InvalidArgument, NvmlReturn.NotSupported, NvmlReturn.NoPermission,
                NvmlReturn.LibraryNotFound, NvmlReturn.FunctionNotFound, NvmlReturn.GpuIsLost, NvmlReturn.Unknown }.Select(c => (int)c));
    }
}
