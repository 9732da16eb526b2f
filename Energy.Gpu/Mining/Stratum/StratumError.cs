using System.Text.Json;

namespace Energy.Gpu.Mining.Stratum;

/// <summary>Reads the <c>error</c> of a pool's answer and words it for logs.</summary>
internal static class StratumError
{
    public static string Describe((int? Code, string? Reason) error) => Describe(error.Code, error.Reason);

    public static string Describe(int? code, string? reason) => (code, reason) switch
    {
        (null, null) => "no reason given",
        (null, _) => reason,
        (_, null) => $"code {code}",
        _ => $"{reason} (code {code})",
    };

    /// <summary>Stratum errors are <c>[code, message, traceback]</c>; some pools send an object or a bare string.</summary>
    public static (int? Code, string? Reason) Read(JsonElement response)
    {
        if (!response.TryGetProperty("error", out var error))
        {
            return (null, null);
        }

        return error.ValueKind switch
        {
            JsonValueKind.Array when error.GetArrayLength() >= 2 =>
                (error[0].ValueKind == JsonValueKind.Number && error[0].TryGetInt32(out var code) ? code : null, error[1].ToString()),
            JsonValueKind.Object => (
                error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var objectCode) ? objectCode : null,
                error.TryGetProperty("message", out var m) ? m.ToString() : error.GetRawText()),
            JsonValueKind.String => (null, error.GetString()),
            _ => (null, null),
        };
    }
}
