using System.Net;
using Energy.Telemetry.History;

namespace Energy.Telemetry.Tests.History;

/// <summary>InfluxDB.Client's async write API as the writer uses it, against an in-memory HTTP handler (no socket).</summary>
public sealed class InfluxHistoryWriterTests
{
    private sealed class StubHandler(HttpStatusCode status, string body = "") : HttpMessageHandler
    {
        public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request, await request.Content!.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(status) { Content = new StringContent(body) };
        }
    }

    private static InfluxHistoryWriter Writer(StubHandler handler, string? token = "secret") =>
        new(new HistoryOptions { Url = "http://influx.test:8086", Org = "site-org", Bucket = "heatgrid" }, token, new HttpClient(handler));

    [Fact]
    public async Task WriteAsync_PostsTheLinesToApiV2WriteWithMillisecondPrecisionAndToken()
    {
        var handler = new StubHandler(HttpStatusCode.NoContent);
        using var writer = Writer(handler);

        await writer.WriteAsync(["grid,site=a import_kw=1 1000\ngrid,site=a import_kw=2 2000", "grid,site=a import_kw=3 3000"], CancellationToken.None);

        var (request, body) = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/api/v2/write", request.RequestUri!.AbsolutePath);
        var query = request.RequestUri.Query;
        Assert.Contains("org=site-org", query, StringComparison.Ordinal);
        Assert.Contains("bucket=heatgrid", query, StringComparison.Ordinal);
        Assert.Contains("precision=ms", query, StringComparison.Ordinal);
        Assert.Equal("Token secret", request.Headers.Authorization?.ToString());
        Assert.Equal(["grid,site=a import_kw=1 1000", "grid,site=a import_kw=2 2000", "grid,site=a import_kw=3 3000"], body.Split('\n'));
    }

    [Fact]
    public async Task WriteAsync_NoToken_SendsNoAuthorization()
    {
        var handler = new StubHandler(HttpStatusCode.NoContent);
        using var writer = Writer(handler, token: null);

        await writer.WriteAsync(["grid,site=a import_kw=1 1000"], CancellationToken.None);

        Assert.Null(Assert.Single(handler.Requests).Request.Headers.Authorization);
    }

    [Fact]
    public async Task WriteAsync_BadRequest_IsRefusedNotRetried()
    {
        using var writer = Writer(new StubHandler(HttpStatusCode.BadRequest, "{\"code\":\"invalid\",\"message\":\"unable to parse\"}"));

        await Assert.ThrowsAsync<HistoryWriteRefusedException>(() => writer.WriteAsync(["bad line"], CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_Unavailable_FailsToBeRetried()
    {
        using var writer = Writer(new StubHandler(HttpStatusCode.ServiceUnavailable));

        var e = await Assert.ThrowsAnyAsync<Exception>(() => writer.WriteAsync(["grid,site=a import_kw=1 1000"], CancellationToken.None));
        Assert.IsNotType<HistoryWriteRefusedException>(e);
    }
}
