using System.Reflection;

namespace Energy.Gpu.Kernels;

/// <summary>
/// The CUDA C sources embedded in this assembly (Kernels/*.cu), handed to NVRTC at run time so the
/// code compiled for the GPU is the code the CPU tests compiled with gcc.
/// </summary>
public static class KernelSource
{
    /// <summary>The SHA-256d nonce search (entry point <see cref="Mining.Sha256dKernelParameters.KernelName"/>).</summary>
    public const string Sha256d = "sha256d.cu";

    /// <summary>The proof-of-useful-work kernels (docs/pouw.md): pouw_noise, pouw_project, pouw_mine (with the denoising fused).</summary>
    public const string Pouw = "pouw.cu";

    private const string Prefix = "Energy.Gpu.Kernels.";

    private static readonly Assembly Assembly = typeof(KernelSource).Assembly;

    /// <summary>The file names of the embedded kernels, e.g. <c>sha256d.cu</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The source text of one kernel file, by file name.</summary>
    public static string Read(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        using var stream = Assembly.GetManifestResourceStream(Prefix + fileName)
            ?? throw new ArgumentException($"No embedded kernel {fileName}; embedded: {string.Join(", ", Names)}.", nameof(fileName));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
