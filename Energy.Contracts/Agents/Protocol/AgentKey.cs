using System.Security.Cryptography;

namespace Energy.Contracts.Agents.Protocol;

/// <summary>
/// One agent's HMAC-SHA256 key, shared by that agent and the controller: <see cref="Kid"/> names it in
/// every signature, so that two keys of one node can be in force at once while keys are rotated.
/// </summary>
public sealed class AgentKey
{
    /// <summary>Keys shorter than this are refused: HMAC-SHA256 wants at least its output's length (RFC 2104 §3).</summary>
    public const int MinBytes = 32;

    public AgentKey(string node, string kid, ReadOnlySpan<byte> secret)
    {
        AgentTopics.ValidateNode(node);
        if (!IsValidKid(kid))
        {
            throw new ArgumentException($"A key id is 1 to 64 letters, digits, '.', '_' or '-': '{kid}'.", nameof(kid));
        }

        if (secret.Length < MinBytes)
        {
            throw new ArgumentException($"A key has at least {MinBytes} bytes, not {secret.Length}.", nameof(secret));
        }

        Node = node;
        Kid = kid;
        Secret = secret.ToArray();
    }

    public string Node { get; }

    public string Kid { get; }

    internal byte[] Secret { get; }

    /// <summary>A fresh random key of 32 bytes.</summary>
    public static AgentKey Create(string node, string kid) => new(node, kid, RandomNumberGenerator.GetBytes(MinBytes));

    public static bool IsValidKid(string? kid) =>
        kid is { Length: > 0 and <= 64 } && kid.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>The key as one line of a key file: <c>NODE KID BASE64KEY</c>.</summary>
    public string ToLine() => $"{Node} {Kid} {Convert.ToBase64String(Secret)}";

    /// <summary>Names the key, never its secret.</summary>
    public override string ToString() => $"{Node}/{Kid}";
}
