namespace Energy.Gpu.Cuda;

/// <summary>Where <see cref="KernelCompiler"/> keeps compiled CUBINs.</summary>
public sealed class KernelCompilerOptions
{
    /// <summary>The CUBIN cache directory; null means <see cref="DefaultCacheDirectory()"/>. Created on first write.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary><c>$XDG_CACHE_HOME/heatgrid/cubin</c>, or <c>~/.cache/heatgrid/cubin</c> (XDG Base Directory spec).</summary>
    public static string DefaultCacheDirectory() =>
        DefaultCacheDirectory(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>
    /// The default for a given environment: XDG_CACHE_HOME counts only when it is an absolute path, as
    /// the XDG spec says; otherwise <paramref name="home"/>/.cache.
    /// </summary>
    public static string DefaultCacheDirectory(Func<string, string?> environment, string home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var xdg = environment("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".cache");
        return Path.Combine(root, "heatgrid", "cubin");
    }
}
