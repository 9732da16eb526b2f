using System.Text;
using Energy.Gpu.Mining;
using Crypto = System.Security.Cryptography;

namespace Energy.Gpu.Tests.Mining;

public class Sha256Tests
{
    // FIPS 180-4 examples (NIST CSRC "SHA256.pdf", SHA-256 example values).
    [Theory]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Hash_NistVectors_MatchPublishedDigests(string message, string expectedHex)
    {
        Span<byte> digest = stackalloc byte[Sha256.DigestBytes];

        Sha256.Hash(Encoding.ASCII.GetBytes(message), digest);

        Assert.Equal(expectedHex, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Hash_ThousandRandomLengths_MatchesSystemSha256()
    {
        var random = new Random(1400);
        Span<byte> digest = stackalloc byte[Sha256.DigestBytes];
        for (var i = 0; i < 1000; i++)
        {
            // Lengths cover every padding case: 55/56/63/64-byte boundaries fall inside 0..300.
            var data = new byte[random.Next(0, 300)];
            random.NextBytes(data);

            Sha256.Hash(data, digest);

            Assert.Equal(Crypto.SHA256.HashData(data), digest.ToArray());
        }
    }

    [Fact]
    public void HashTwice_RandomData_EqualsSha256OfSha256()
    {
        var data = new byte[80];
        new Random(7).NextBytes(data);
        Span<byte> digest = stackalloc byte[Sha256.DigestBytes];

        Sha256.HashTwice(data, digest);

        Assert.Equal(Crypto.SHA256.HashData(Crypto.SHA256.HashData(data)), digest.ToArray());
    }
}
