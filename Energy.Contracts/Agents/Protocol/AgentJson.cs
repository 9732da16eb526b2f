using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Energy.Contracts.Agents.Protocol;

/// <summary>
/// JSON for the agent protocol (camelCase, enums as camelCase strings, source-generated). Reading
/// never throws: a broken or foreign message gives a reason instead, which the receiver logs and counts.
/// Over MQTT a message is read only after its signature (<see cref="AgentSignature"/>) verified, and from the
/// bytes the signature covers, so a member appended after signing is never read.
/// </summary>
public static class AgentJson
{
    public const int Version = 1;

    public static byte[] Serialize<T>(T message)
        where T : class => JsonSerializer.SerializeToUtf8Bytes(message, typeof(T), AgentJsonContext.Default);

    public static string SerializeToString<T>(T message)
        where T : class => JsonSerializer.Serialize(message, typeof(T), AgentJsonContext.Default);

    /// <summary>Parses a message of version <see cref="Version"/>; false with a reason for anything else.</summary>
    public static bool TryRead<T>(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out T? message, out string reason)
        where T : class
    {
        message = null;
        if (utf8.IsEmpty)
        {
            reason = "empty payload";
            return false;
        }

        int? version;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                reason = "not a JSON object";
                return false;
            }

            version = document.RootElement.TryGetProperty("v", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;
            if (version is null && typeof(T) != typeof(FrequencySample))
            {
                reason = "no schema version (\"v\")";
                return false;
            }

            if (version is { } known && known != Version)
            {
                reason = $"schema version {known} is not supported (this build speaks {Version})";
                return false;
            }

            // The reader takes 1e999 for infinity; no field of the protocol may be one.
            if (OutOfRange(document.RootElement) is { } number)
            {
                reason = $"number {number} is out of range";
                return false;
            }

            message = (T?)document.Deserialize(typeof(T), AgentJsonContext.Default);
        }
        catch (JsonException e)
        {
            reason = $"malformed JSON: {e.Message}";
            return false;
        }

        if (message is null)
        {
            reason = "null message";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    private static string? OutOfRange(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.TryGetDouble(out var d) && double.IsFinite(d) ? null : element.GetRawText(),
        JsonValueKind.Object => element.EnumerateObject().Select(p => OutOfRange(p.Value)).FirstOrDefault(n => n is not null),
        JsonValueKind.Array => element.EnumerateArray().Select(OutOfRange).FirstOrDefault(n => n is not null),
        _ => null,
    };
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    Converters = [typeof(ShedStepJsonConverter)],
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AssignmentBatch))]
[JsonSerializable(typeof(AssignmentAck))]
[JsonSerializable(typeof(AgentTelemetry))]
[JsonSerializable(typeof(AgentHeartbeat))]
[JsonSerializable(typeof(ControllerAnnouncement))]
[JsonSerializable(typeof(FrequencySample))]
[JsonSerializable(typeof(CurtailmentRequest))]
[JsonSerializable(typeof(DemandResponseEvent))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;

/// <summary>Shed steps on the wire as in the site file and the status API: <c>mining</c>, <c>inferenceAboveSla</c>…</summary>
internal sealed class ShedStepJsonConverter() : JsonStringEnumConverter<Energy.Contracts.Policy.ShedStep>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
