using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Cuda;

/// <summary>
/// CUBINs on disk, one file per cache key: an 8-byte magic, the SHA-256 of the image, then the image.
/// A file that fails those checks or cannot be read is a miss (logged), never an error: the kernel is
/// compiled again and the entry rewritten. Writes go to a temporary file in the same directory and are
/// renamed into place, so a reader in another process never sees half a file.
/// </summary>
internal sealed class CubinCache
{
    private static readonly byte[] Magic = "HGCUBIN1"u8.ToArray();
    private const int HeaderLength = 8 + 32;

    private readonly ILogger _logger;

    public CubinCache(string directory, ILogger logger)
    {
        Directory = directory;
        _logger = logger;
    }

    public string Directory { get; }

    public string PathFor(string key) => Path.Combine(Directory, key + ".cubin");

    public bool TryRead(string key, out byte[] cubin)
    {
        cubin = [];
        var path = PathFor(key);
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.KernelCacheReadFailed(_logger, ex, path);
            return false;
        }

        var problem = Validate(file);
        if (problem is not null)
        {
            Log.KernelCacheEntryCorrupt(_logger, path, problem);
            return false;
        }

        cubin = file[HeaderLength..];
        return true;
    }

    public void Write(string key, ReadOnlySpan<byte> cubin)
    {
        var path = PathFor(key);
        var temporary = Path.Combine(Directory, $"{key}.{Guid.NewGuid():N}.tmp");
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(Magic);
                stream.Write(SHA256.HashData(cubin));
                stream.Write(cubin);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.KernelCacheWriteFailed(_logger, ex, path);
            TryDelete(temporary);
        }
    }

    private static string? Validate(byte[] file)
    {
        if (file.Length <= HeaderLength)
        {
            return $"{file.Length} bytes, shorter than the header";
        }

        if (!file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return "unknown format";
        }

        var expected = file.AsSpan(Magic.Length, 32);
        return SHA256.HashData(file.AsSpan(HeaderLength)).AsSpan().SequenceEqual(expected) ? null : "checksum mismatch";
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stray temporary file is harmless; the next write uses a new name.
        }
    }
}
