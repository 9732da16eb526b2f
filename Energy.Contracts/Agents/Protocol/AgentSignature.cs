using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Energy.Contracts.Agents.Protocol;

/// <summary>
/// The signature of a controller ↔ agent message: HMAC-SHA256 with the agent's key over the MQTT topic the
/// message is published on, a zero byte, and the message's JSON exactly as sent without its signature.
/// The signature is the message object's last member, so the JSON stays as readable as before:
/// <code>{"v":1,"node":"n1","epoch":…,"seq":…,…,"sig":{"kid":"n1-2026","mac":"BASE64"}}</code>
/// The signed bytes are the payload (without surrounding white space) up to the comma before <c>"sig"</c>,
/// followed by <c>}</c> — for the
/// compact JSON HeatGrid writes, the message as serialised before it was signed. Binding the topic means
/// a message signed for one node's topic is refused on another's; binding epoch and seq (they are in the
/// JSON) means none of them can be altered. The controller's epoch announcement goes to every agent, so it
/// carries one signature per node (<c>"sigs":{"n1":{"kid":…,"mac":…},…}</c>), each with that node's key:
/// a host holding one agent's key can forge the announcement for that agent only.
/// </summary>
public static class AgentSignature
{
    /// <summary>The member holding one signature.</summary>
    public const string Member = "sig";

    /// <summary>The member holding one signature per node (the controller's announcement).</summary>
    public const string PerNodeMember = "sigs";

    /// <summary>How an agent's acknowledgement begins the refusal of a batch whose signature failed.</summary>
    public const string RefusalPrefix = "signature: ";

    private const int MacBytes = 32;

    /// <summary>Adds <c>"sig"</c> to <paramref name="json"/> (a compact JSON object) for <paramref name="topic"/> with <paramref name="key"/>.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> json, string topic, AgentKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var content = CheckObject(json);
        var mac = Mac(key.Secret, topic, content);
        return Append(content, Member, Json(w => WriteSig(w, key, mac)));
    }

    /// <summary>Adds <c>"sigs"</c>: one signature per key given (one key per node: each node's primary).</summary>
    public static byte[] SignPerNode(ReadOnlySpan<byte> json, string topic, IEnumerable<AgentKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var content = CheckObject(json);
        var macs = new List<(AgentKey Key, byte[] Mac)>();
        foreach (var key in keys)
        {
            macs.Add((key, Mac(key.Secret, topic, content)));
        }

        return Append(content, PerNodeMember, Json(w =>
        {
            w.WriteStartObject();
            foreach (var (key, mac) in macs)
            {
                w.WritePropertyName(key.Node);
                WriteSig(w, key, mac);
            }

            w.WriteEndObject();
        }));
    }

    /// <summary>Checks the <c>"sig"</c> of a message received on <paramref name="topic"/> against the keys of its node.</summary>
    public static SignatureCheck Verify(ReadOnlySpan<byte> payload, string topic, IReadOnlyList<AgentKey> keys) =>
        Check(payload, topic, keys, Member, null);

    /// <summary>Checks the entry for <paramref name="node"/> in the <c>"sigs"</c> of a message (the controller's announcement).</summary>
    public static SignatureCheck VerifyFor(ReadOnlySpan<byte> payload, string topic, string node, IReadOnlyList<AgentKey> keys) =>
        Check(payload, topic, keys, PerNodeMember, node);

    /// <summary>The nodes a <c>"sigs"</c> member names (signatures not checked): who an announcement claims to be signed for.</summary>
    public static IReadOnlyList<string> SignedNodes(ReadOnlySpan<byte> payload)
    {
        if (!Split(payload, PerNodeMember, out _, out var value, out _) || value.IsEmpty)
        {
            return [];
        }

        try
        {
            using var doc = JsonDocument.Parse(value.ToArray());
            return doc.RootElement.ValueKind == JsonValueKind.Object ? [.. doc.RootElement.EnumerateObject().Select(p => p.Name)] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static SignatureCheck Check(ReadOnlySpan<byte> payload, string topic, IReadOnlyList<AgentKey> keys, string member, string? node)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!Split(payload, member, out var content, out var value, out var problem))
        {
            return new SignatureCheck(problem is null ? SignatureOutcome.NotSigned : SignatureOutcome.Malformed, null, null, problem ?? $"not signed (no \"{member}\")");
        }

        string? kid;
        byte[] mac;
        try
        {
            using var doc = JsonDocument.Parse(value.ToArray());
            var sig = doc.RootElement;
            if (node is not null)
            {
                if (sig.ValueKind != JsonValueKind.Object || !sig.TryGetProperty(node, out sig))
                {
                    return new SignatureCheck(SignatureOutcome.NotSigned, null, null, $"not signed for node {node}");
                }
            }

            if (sig.ValueKind != JsonValueKind.Object
                || !sig.TryGetProperty("kid", out var k) || k.ValueKind != JsonValueKind.String
                || !sig.TryGetProperty("mac", out var m) || m.ValueKind != JsonValueKind.String)
            {
                return new SignatureCheck(SignatureOutcome.Malformed, null, null, "the signature is not {\"kid\":…,\"mac\":…}");
            }

            kid = k.GetString();
            mac = new byte[MacBytes];
            if (!Convert.TryFromBase64String(m.GetString() ?? string.Empty, mac, out var length) || length != MacBytes)
            {
                return new SignatureCheck(SignatureOutcome.Malformed, null, kid, "the mac is not 32 bytes of base64");
            }
        }
        catch (JsonException e)
        {
            return new SignatureCheck(SignatureOutcome.Malformed, null, null, $"unreadable signature: {e.Message}");
        }

        var key = keys.FirstOrDefault(k => k.Kid == kid);
        if (key is null)
        {
            return new SignatureCheck(SignatureOutcome.UnknownKey, null, kid, $"signed with key '{Printable(kid)}', which is not one of {(keys.Count == 0 ? "ours (none for this node)" : string.Join(", ", keys.Select(x => x.Kid)))}");
        }

        var expected = Mac(key.Secret, topic, content);
        return CryptographicOperations.FixedTimeEquals(expected, mac)
            ? new SignatureCheck(SignatureOutcome.Valid, content, kid, string.Empty)
            : new SignatureCheck(SignatureOutcome.WrongMac, null, kid, $"the signature with key '{kid}' does not verify (altered, another topic, or another key)");
    }

    /// <summary>
    /// Splits a payload into the signed content (the object without its last member, which must be
    /// <paramref name="member"/>) and that member's value. False with a null problem when the object has no
    /// such member; false with a problem when the payload is not an object or the member is not last.
    /// </summary>
    private static bool Split(ReadOnlySpan<byte> payload, string member, out byte[] content, out ReadOnlySpan<byte> value, out string? problem)
    {
        content = [];
        value = default;
        problem = null;
        var reader = new Utf8JsonReader(payload);
        long lastNameStart = -1, lastValueStart = -1, lastValueEnd = -1;
        var lastIsMember = false;
        var memberSeen = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = "not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                lastNameStart = reader.TokenStartIndex;
                lastIsMember = reader.ValueTextEquals(member);
                memberSeen |= lastIsMember;
                reader.Read();
                lastValueStart = reader.TokenStartIndex;
                reader.Skip();
                lastValueEnd = reader.BytesConsumed;
            }

            // Nothing may follow the object (the reader throws on anything but white space).
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            problem = $"malformed JSON: {e.Message}";
            return false;
        }

        if (!lastIsMember)
        {
            problem = memberSeen ? $"\"{member}\" is not the last member" : null;
            return false;
        }

        var before = payload[..(int)lastNameStart].Trim(" \t\r\n"u8);
        if (before.IsEmpty || before[^1] is not ((byte)',' or (byte)'{'))
        {
            problem = "malformed JSON";
            return false;
        }

        var kept = before[^1] == (byte)',' ? before[..^1] : before;
        content = [.. kept, (byte)'}'];
        value = payload[(int)lastValueStart..(int)lastValueEnd];
        return true;
    }

    private static byte[] Mac(byte[] secret, string topic, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(topic);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.UTF8.GetBytes(topic));
        hmac.AppendData([0]);
        hmac.AppendData(content);
        return hmac.GetHashAndReset();
    }

    private static ReadOnlySpan<byte> CheckObject(ReadOnlySpan<byte> json)
    {
        var trimmed = json.Trim(" \t\r\n"u8);
        if (trimmed.Length < 2 || trimmed[0] != (byte)'{' || trimmed[^1] != (byte)'}')
        {
            throw new ArgumentException("Only a JSON object can be signed.", nameof(json));
        }

        return trimmed;
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Append(ReadOnlySpan<byte> content, string member, byte[] value)
    {
        var buffer = new ArrayBufferWriter<byte>(content.Length + 96);
        buffer.Write(content[..^1]);
        var empty = content[..^1].Trim(" \t\r\n"u8).Length == 1;
        buffer.Write(empty ? "\""u8 : ",\""u8);
        buffer.Write(Encoding.UTF8.GetBytes(member));
        buffer.Write("\":"u8);
        buffer.Write(value);
        buffer.Write("}"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSig(Utf8JsonWriter writer, AgentKey key, byte[] mac)
    {
        writer.WriteStartObject();
        writer.WriteString("kid", key.Kid);
        writer.WriteString("mac", Convert.ToBase64String(mac));
        writer.WriteEndObject();
    }

    /// <summary>A key id as received, safe to log: anything that is not a valid key id is not repeated.</summary>
    private static string Printable(string? kid) => AgentKey.IsValidKid(kid) ? kid! : "(not a key id)";
}

/// <summary>What a signature check found.</summary>
public enum SignatureOutcome
{
    Valid,

    /// <summary>No signature (or none for this node).</summary>
    NotSigned,

    /// <summary>Signed with a key id this side does not hold for the node.</summary>
    UnknownKey,

    /// <summary>A known key, but the mac does not match: altered, replayed on another topic, or forged.</summary>
    WrongMac,

    /// <summary>Not a JSON object, or a signature that cannot be read.</summary>
    Malformed,
}

/// <summary>The outcome of a check; <see cref="Content"/> (the signed JSON, to be read) only when valid.</summary>
public readonly record struct SignatureCheck(SignatureOutcome Outcome, byte[]? Content, string? Kid, string Reason)
{
    public bool Valid => Outcome == SignatureOutcome.Valid;
}
