using System.Security.Cryptography;

namespace Energy.Scheduler.Security;

/// <summary>
/// An API key as its holder has it: <c>hg_ID_SECRET</c>, the id 8 random bytes and the secret 32 (RandomNumberGenerator),
/// both lower-case hex. HeatGrid keeps only the id (to find the key) and the SHA-256 of the secret's bytes: a full-entropy
/// secret needs no salt or slow hash, and a leaked users file opens nothing.
/// </summary>
public sealed class ApiKey
{
    public const string Prefix = "hg_";
    private const int IdBytes = 8;
    private const int SecretBytes = 32;
    private readonly byte[] _secret;

    private ApiKey(string id, byte[] secret) => (Id, _secret) = (id, secret);

    public string Id { get; }

    /// <summary>The whole key, to print once to whoever is given it; never logged or stored.</summary>
    public string Text => $"{Prefix}{Id}_{Convert.ToHexStringLower(_secret)}";

    /// <summary>The SHA-256 of the secret, as the users file keeps it (hex).</summary>
    public string SecretSha256 => Convert.ToHexStringLower(SHA256.HashData(_secret));

    public static ApiKey Create() =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes)), RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>Reads <c>hg_ID_SECRET</c>; anything else (another token, a truncated key, upper case) is not a key.</summary>
    public static bool TryParse(string? text, out ApiKey? key)
    {
        key = null;
        var parts = text?.Trim().Split('_');
        if (parts is not ["hg", var id, var secret] || id.Length != 2 * IdBytes || secret.Length != 2 * SecretBytes || !IsLowerHex(id) || !IsLowerHex(secret))
        {
            return false;
        }

        key = new ApiKey(id, Convert.FromHexString(secret));
        return true;
    }

    /// <summary>Whether this key's secret hashes to <paramref name="storedSha256"/> (hex), compared in constant time.</summary>
    public bool Matches(string storedSha256)
    {
        ArgumentNullException.ThrowIfNull(storedSha256);
        if (storedSha256.Length != 64 || !IsLowerHex(storedSha256))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(_secret), Convert.FromHexString(storedSha256));
    }

    public static bool IsValidId(string? id) => id is { Length: 2 * IdBytes } && IsLowerHex(id);

    /// <summary>Only the id: a key's secret never reaches a log line through string formatting.</summary>
    public override string ToString() => $"{Prefix}{Id}_…";

    private static bool IsLowerHex(string text) => text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
