using Energy.Gpu.Kernels;
using Energy.TestSupport.Tools;

namespace Energy.Gpu.Tests.Kernels;

/// <summary>
/// pouw.cu compiled as CUDA C++ to PTX for sm_80 by clang (no CUDA toolkit needed; nvrtc_prelude.h
/// stands in for NVRTC's built-ins): the text NVRTC gets is valid CUDA C++ in both builds, and the
/// GEMM's two MMAs per k-step reach the PTX. Skipped where no clang++ is installed.
/// </summary>
public sealed class PouwKernelClangTests
{
    [RequiresClangCudaFact]
    public void PouwKernel_CompilesAsCudaCxxForSm80_WithAndWithoutTheTranscript()
    {
        var directory = Directory.CreateTempSubdirectory("heatgrid-pouw-clang-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, KernelSource.Pouw), KernelSource.Read(KernelSource.Pouw));
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Kernels", "nvrtc_prelude.h"), Path.Combine(directory, "nvrtc_prelude.h"));
            foreach (var transcript in new[] { 1, 0 })
            {
                var ptx = Path.Combine(directory, $"pouw{transcript}.ptx");
                var result = NativeProgram.Run(RequiresClangCudaFactAttribute.Clang!, directory, TimeSpan.FromMinutes(2),
                [
                    "-x", "cuda", "--cuda-device-only", "--cuda-gpu-arch=sm_80", "-Xclang", "-target-feature", "-Xclang", "+ptx70",
                    "-nocudainc", "-nocudalib", "-O2", "-Wall", "-Wextra", "-Werror", $"-DPOUW_TRANSCRIPT={transcript}",
                    "-include", "nvrtc_prelude.h", "-S", KernelSource.Pouw, "-o", ptx,
                ]);

                Assert.True(result.ExitCode == 0, $"clang (POUW_TRANSCRIPT={transcript}) exited {result.ExitCode}: {result.StandardError}");
                var text = File.ReadAllText(ptx);
                foreach (var entry in new[] { "pouw_noise", "pouw_project", "pouw_mine" })
                {
                    Assert.Contains(".entry " + entry + "(", text, StringComparison.Ordinal);
                }

                // pouw_mine: two MMAs in the k-loop and two in the fused denoising; pouw_project: its n8 tiles (unrolled).
                Assert.True(Mmas(text, "pouw_mine") >= 4, "pouw_mine MMAs: " + Mmas(text, "pouw_mine"));
                Assert.True(Mmas(text, "pouw_project") >= 1, "pouw_project MMAs: " + Mmas(text, "pouw_project"));
                Assert.Equal(0, Mmas(text, "pouw_noise"));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The s8 MMA instructions in one entry's body of the PTX (from its .entry line to the next).</summary>
    private static int Mmas(string ptx, string entry)
    {
        var start = ptx.IndexOf(".entry " + entry + "(", StringComparison.Ordinal);
        var end = ptx.IndexOf(".entry ", start + 1, StringComparison.Ordinal);
        var body = end < 0 ? ptx[start..] : ptx[start..end];
        return body.Split("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32").Length - 1;
    }
}

/// <summary>A fact that needs clang++ with the NVPTX target; skipped where none is on PATH (CI does not install it).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresClangCudaFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> LazyClang = new(Find);

    public RequiresClangCudaFactAttribute()
    {
        if (Clang is null)
        {
            Skip = "clang++ is not on PATH";
        }
    }

    /// <summary>The clang++ found on PATH (clang++, or clang++-20 … clang++-14), or null.</summary>
    public static string? Clang => LazyClang.Value;

    private static string? Find()
    {
        string[] names = ["clang++", .. Enumerable.Range(14, 7).Reverse().Select(v => $"clang++-{v}")];
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var name in names)
        {
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
