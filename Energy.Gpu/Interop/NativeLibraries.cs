using System.Reflection;
using System.Runtime.InteropServices;

namespace Energy.Gpu.Interop;

/// <summary>
/// Maps the logical library names used by the <c>[LibraryImport]</c> declarations ("nvml", "cuda",
/// "nvrtc", "cublas") to NVIDIA's versioned sonames. The unversioned <c>libcuda.so</c> etc. ship only
/// with the -dev packages, so the loader is never asked for them.
/// </summary>
public static class NativeLibraries
{
    public const string Nvml = "nvml";
    public const string Cuda = "cuda";
    public const string Nvrtc = "nvrtc";
    public const string Cublas = "cublas";

    private static int _registered;

    /// <summary>Candidate sonames per logical name, newest first.</summary>
    public static IReadOnlyList<string> SonamesFor(string logicalName) => logicalName switch
    {
        Nvml => ["libnvidia-ml.so.1"],
        Cuda => ["libcuda.so.1"],
        Nvrtc => ["libnvrtc.so.13", "libnvrtc.so.12"],
        Cublas => ["libcublas.so.13", "libcublas.so.12"],
        _ => [],
    };

    /// <summary>Installs the resolver for this assembly; later calls do nothing.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
        }
    }

    /// <summary>Tries to load <paramref name="logicalName"/>; on failure <paramref name="reason"/> says what to install.</summary>
    public static bool TryLoad(string logicalName, out nint handle, out string reason)
    {
        foreach (var soname in SonamesFor(logicalName))
        {
            if (NativeLibrary.TryLoad(soname, out handle))
            {
                reason = string.Empty;
                return true;
            }
        }

        handle = 0;
        reason = MissingLibraryMessage(logicalName);
        return false;
    }

    /// <summary>What to say when none of a library's sonames loads.</summary>
    public static string MissingLibraryMessage(string logicalName)
    {
        var sonames = SonamesFor(logicalName);
        if (sonames.Count == 0)
        {
            return $"'{logicalName}' is not an NVIDIA library HeatGrid knows (nvml, cuda, nvrtc, cublas)";
        }

        var hint = logicalName switch
        {
            Nvml or Cuda => "install the NVIDIA driver (580+)",
            Nvrtc => "install the CUDA toolkit's NVRTC (cuda-nvrtc 13 or 12) and put its lib directory on the loader path",
            _ => "install cuBLAS (libcublas 13 or 12, with libcublasLt) and put its lib directory on the loader path",
        };
        return $"{string.Join(" / ", sonames)} not found: {hint}";
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        foreach (var soname in SonamesFor(libraryName))
        {
            if (NativeLibrary.TryLoad(soname, assembly, searchPath, out var handle))
            {
                return handle;
            }
        }

        // Zero hands the name back to the default probing, which throws DllNotFoundException.
        return 0;
    }
}
