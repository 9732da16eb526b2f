using Energy.Scheduler.Security;

namespace Energy.Scheduler.Tests.Security;

public sealed class ApiKeyTests
{
    [Fact]
    public void Create_TextParsesBackAndMatchesOnlyItsOwnHash()
    {
        var key = ApiKey.Create();
        var other = ApiKey.Create();

        Assert.Matches("^hg_[0-9a-f]{16}_[0-9a-f]{64}$", key.Text);
        Assert.True(ApiKey.TryParse(key.Text, out var parsed));
        Assert.Equal(key.Id, parsed!.Id);
        Assert.True(parsed.Matches(key.SecretSha256));
        Assert.False(parsed.Matches(other.SecretSha256));
        Assert.NotEqual(key.Id, other.Id);
    }

    [Fact]
    public void SecretSha256_IsNotTheSecretAndToStringHidesIt()
    {
        var key = ApiKey.Create();
        var secret = key.Text.Split('_')[2];

        Assert.DoesNotContain(secret, key.SecretSha256, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, key.ToString(), StringComparison.Ordinal);
        Assert.Equal($"hg_{key.Id}_…", key.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hg_0123456789abcdef")]
    [InlineData("hg_0123456789abcdef_0123")]
    [InlineData("hg_0123456789ABCDEF_0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("xx_0123456789abcdef_0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("hg_0123456789abcdef_0000000000000000000000000000000000000000000000000000000000000000_x")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.abc")]
    public void TryParse_NotAKey_False(string? text) => Assert.False(ApiKey.TryParse(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("zz")]
    [InlineData("0000")]
    public void Matches_StoredHashMalformed_False(string stored) =>
        Assert.False(ApiKey.Create().Matches(stored));
}
