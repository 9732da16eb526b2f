using System.Runtime.InteropServices;
using System.Text;

namespace Energy.Gpu.Interop;

/// <summary>NUL-terminated UTF-8, the only string form the CUDA, NVRTC and cuBLAS C APIs use.</summary>
internal static unsafe class NativeStrings
{
    /// <summary>The string in a fixed-size buffer, up to its first NUL.</summary>
    public static string FromBuffer(ReadOnlySpan<byte> buffer)
    {
        var end = buffer.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? buffer : buffer[..end]);
    }

    /// <summary>A string the library owns (static storage); empty for NULL.</summary>
    public static string FromPointer(byte* text) => Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;

    /// <summary><paramref name="text"/> as UTF-8 with the terminating NUL.</summary>
    public static byte[] ToUtf8Z(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
