using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Energy.Scheduler.Audit;

/// <summary>
/// The line format of <c>DATA/audit.jsonl</c>. One JSON object per line, its members always in this order:
/// <c>seq, at, who, role, from, what, before, after, why, prev, hash</c>. <c>seq</c> counts from 1; <c>at</c> is UTC
/// (<c>yyyy-MM-ddTHH:mm:ss.fffZ</c>); <c>prev</c> is the previous line's <c>hash</c> (<see cref="Genesis"/> for the first).
/// <para>What is hashed: <c>hash</c> is the lowercase hex SHA-256 of the UTF-8 bytes of the line exactly as written, less its
/// last member — the line with <c>,"hash":"…"</c> cut out, so the hashed text ends <c>"prev":"…"}</c>. Hashing the bytes
/// as written (not a re-serialization) makes any change to the line, even of white space or number formatting, a mismatch.</para>
/// </summary>
public static class AuditChain
{
    /// <summary>The <c>prev</c> of the first entry: 64 zeros.</summary>
    public static readonly string Genesis = new('0', 64);

    private const string HashMember = ",\"hash\":\"";

    /// <summary>The length of the tail <c>,"hash":"&lt;64 hex&gt;"}</c>.</summary>
    private static readonly int TailLength = HashMember.Length + 64 + 2;

    private static readonly JsonSerializerOptions Values = new(JsonSerializerDefaults.Web);

    /// <summary>Serializes a before/after value as the trail keeps it (camelCase JSON, null as null).</summary>
    public static JsonElement? Value(object? value) => value switch
    {
        null => null,
        JsonElement e => e,
        _ => JsonSerializer.SerializeToElement(value, value.GetType(), Values),
    };

    /// <summary>One whole line (without its newline) and its hash.</summary>
    public static (string Line, string Hash) Line(long seq, DateTimeOffset at, AuditActor actor, string what, JsonElement? before, JsonElement? after,
        string? why, string prev)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", seq);
            json.WriteString("at", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("who", actor.Who);
            json.WriteString("role", actor.Role);
            json.WriteString("from", actor.From);
            json.WriteString("what", what);
            WriteValue(json, "before", before);
            WriteValue(json, "after", after);
            json.WriteString("why", why);
            json.WriteString("prev", prev);
            json.WriteEndObject();
        }

        var content = buffer.WrittenSpan;
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        var text = Encoding.UTF8.GetString(content);
        return (string.Concat(text.AsSpan(0, text.Length - 1), HashMember, hash, "\"}"), hash);
    }

    /// <summary>
    /// Checks one line: that it is JSON, an entry, that its hash is the hash of its content, and that it follows
    /// (<paramref name="expectedSeq"/>, <paramref name="expectedPrev"/>). Null when it does, else why not.
    /// </summary>
    public static string? Check(string line, long expectedSeq, string expectedPrev, out long seq, out string? hash)
    {
        ArgumentNullException.ThrowIfNull(line);
        (seq, hash) = (0, null);
        string prev;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("seq", out var s) || !s.TryGetInt64(out seq)
                || !root.TryGetProperty("prev", out var p) || p.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("hash", out var h) || h.ValueKind != JsonValueKind.String)
            {
                return "not an audit entry (no seq, prev or hash)";
            }

            (prev, hash) = (p.GetString()!, h.GetString()!);
        }
        catch (JsonException e)
        {
            return $"not JSON, the line is broken ({e.Message})";
        }

        if (ContentHash(line) != hash)
        {
            return "hash mismatch: the line was edited";
        }

        if (seq != expectedSeq)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"seq {seq} where {expectedSeq} was expected: a line was removed or reordered before it");
        }

        return prev != expectedPrev
            ? "prev does not match the hash of the line before: a line was removed or reordered before it"
            : null;
    }

    /// <summary>The hash of a line's content (the line less its <c>hash</c> member), or null when it does not end in one.</summary>
    public static string? ContentHash(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length < TailLength + 2 || !line.EndsWith("\"}", StringComparison.Ordinal)
            || string.CompareOrdinal(line, line.Length - TailLength, HashMember, 0, HashMember.Length) != 0)
        {
            return null;
        }

        var content = string.Concat(line.AsSpan(0, line.Length - TailLength), "}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
    }

    private static void WriteValue(Utf8JsonWriter json, string name, JsonElement? value)
    {
        json.WritePropertyName(name);
        if (value is { } v)
        {
            v.WriteTo(json);
        }
        else
        {
            json.WriteNullValue();
        }
    }
}
