using Energy.Scheduler.Cli;

namespace Energy.Scheduler.Tests.Cli;

public sealed class RunCommandTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("http://127.0.0.1:9000", "http://127.0.0.1:9000")]
    [InlineData("localhost:5000", "http://localhost:5000")]
    public void TryHttpUrl_HostAndPort_GivesAnHttpUrl(string text, string expected)
    {
        Assert.True(RunCommand.TryHttpUrl(text, out var url));
        Assert.Equal(expected, url);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:notaport")]
    [InlineData("https://127.0.0.1:8443")]
    [InlineData("127.0.0.1:8080/path")]
    public void TryHttpUrl_NotHostAndPort_IsRejected(string text) => Assert.False(RunCommand.TryHttpUrl(text, out _));
}
