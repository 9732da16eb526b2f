using Energy.Gpu.Mining.Stratum;

namespace Energy.Gpu.Tests.Mining.Stratum;

public sealed class StratumEndpointTests
{
    [Theory]
    [InlineData("stratum+tcp://pool.example.com:3333", "pool.example.com", 3333)]
    [InlineData("  STRATUM+TCP://10.0.0.7:4444/ ", "10.0.0.7", 4444)]
    [InlineData("stratum+tcp://[2001:db8::1]:3334", "2001:db8::1", 3334)]
    public void Parse_PoolUrl_HostAndPort(string url, string host, int port)
    {
        var endpoint = StratumEndpoint.Parse(url);

        Assert.Equal(new StratumEndpoint(host, port), endpoint);
        Assert.Equal(endpoint, StratumEndpoint.Parse(endpoint.ToUrl()));
    }

    [Theory]
    [InlineData("", "The pool URL is empty; expected stratum+tcp://HOST:PORT.")]
    [InlineData("pool.example.com:3333", "'pool.example.com:3333' has no scheme; expected stratum+tcp://HOST:PORT.")]
    [InlineData("stratum+ssl://pool.example.com:443", "'stratum+ssl://pool.example.com:443': scheme 'stratum+ssl' is not supported; only stratum+tcp://HOST:PORT (Stratum v1 over plain TCP) is.")]
    [InlineData("http://pool.example.com:3333", "'http://pool.example.com:3333': scheme 'http' is not supported; only stratum+tcp://HOST:PORT (Stratum v1 over plain TCP) is.")]
    [InlineData("stratum+tcp://pool.example.com", "'stratum+tcp://pool.example.com' has no port; Stratum has no default port, e.g. stratum+tcp://pool.example.com:3333.")]
    [InlineData("stratum+tcp://2001:db8::1", "'stratum+tcp://2001:db8::1' has no port; Stratum has no default port, e.g. stratum+tcp://pool.example.com:3333.")]
    [InlineData("stratum+tcp://pool.example.com:0", "'stratum+tcp://pool.example.com:0': port '0' is not a number from 1 to 65535.")]
    [InlineData("stratum+tcp://pool.example.com:65536", "'stratum+tcp://pool.example.com:65536': port '65536' is not a number from 1 to 65535.")]
    [InlineData("stratum+tcp://pool.example.com:", "'stratum+tcp://pool.example.com:': port '' is not a number from 1 to 65535.")]
    [InlineData("stratum+tcp://:3333", "'stratum+tcp://:3333': '' is not a host name or IP address.")]
    [InlineData("stratum+tcp://pool example:3333", "'stratum+tcp://pool example:3333': 'pool example' is not a host name or IP address.")]
    [InlineData("stratum+tcp://rig1:x@pool.example.com:3333", "'stratum+tcp://rig1:x@pool.example.com:3333' carries credentials; the worker name and password are options of their own.")]
    [InlineData("stratum+tcp://pool.example.com:3333/btc", "'stratum+tcp://pool.example.com:3333/btc' has a path; a pool URL is stratum+tcp://HOST:PORT only.")]
    public void Parse_NotAPoolUrl_SaysWhatIsWrong(string url, string message)
    {
        var error = Assert.Throws<FormatException>(() => StratumEndpoint.Parse(url));

        Assert.Equal(message, error.Message);
        Assert.False(StratumEndpoint.TryParse(url, out _));
    }

    [Fact]
    public void TcpConnector_Endpoint_IsHostAndPortForLogs()
    {
        Assert.Equal("[::1]:3333", new TcpStratumConnector(StratumEndpoint.Parse("stratum+tcp://[::1]:3333")).Endpoint);
    }
}
