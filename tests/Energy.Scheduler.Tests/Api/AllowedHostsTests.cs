using Energy.Scheduler.Api;
using Microsoft.AspNetCore.Http;

namespace Energy.Scheduler.Tests.Api;

public class AllowedHostsTests
{
    [Theory]
    [InlineData("localhost", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("[::1]", true)]
    [InlineData("127.0.0.1:8080", true)]
    [InlineData("LOCALHOST:1", true)]
    [InlineData("attacker.example", false)]
    [InlineData("localhost.attacker.example", false)]
    [InlineData("10.0.0.5", false)]
    public void Allows_ListeningOnLoopback_LoopbackNamesOnly(string host, bool allowed) =>
        Assert.Equal(allowed, new HttpBounds.AllowedHosts("http://127.0.0.1:8080", []).Allows(new HostString(host)));

    [Theory]
    [InlineData("10.0.0.5:8080", true)]
    [InlineData("[fd00::5]", true)]
    [InlineData("heatgrid.ops.example", true)]
    [InlineData("a.b.ops.example", true)]
    [InlineData("heatgrid.attacker.example", false)]
    public void Allows_ListeningOnEveryAddress_AnyIpLiteralAndTheNamesGiven(string host, bool allowed) =>
        Assert.Equal(allowed, new HttpBounds.AllowedHosts("http://0.0.0.0:8080", ["*.ops.example"]).Allows(new HostString(host)));

    [Fact]
    public void Allows_ListeningOnAName_ThatName() =>
        Assert.True(new HttpBounds.AllowedHosts("http://heatgrid.site:8080", []).Allows(new HostString("heatgrid.site:8080")));

    [Fact]
    public void Allows_NoHostHeader_Answered() =>
        Assert.True(new HttpBounds.AllowedHosts("http://127.0.0.1:8080", []).Allows(default));
}
