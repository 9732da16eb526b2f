using System.Text;

namespace Energy.Gpu.Interop;

/// <summary>
/// Spells a .NET enum member the way NVIDIA's headers do: <c>InvalidPtx</c> with prefix
/// <c>CUDA_ERROR</c> → <c>CUDA_ERROR_INVALID_PTX</c>. Logs and exception messages then match the
/// names people search NVIDIA's documentation for.
/// </summary>
internal static class NvidiaConstantNames
{
    public static string FromPascal(string prefix, string pascal)
    {
        var name = new StringBuilder(prefix, prefix.Length + pascal.Length + 8);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c))
            {
                name.Append('_');
            }

            name.Append(char.ToUpperInvariant(c));
        }

        return name.ToString();
    }
}
