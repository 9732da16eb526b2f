using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Energy.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Energy.IntegrationTests.Run;

/// <summary>
/// <c>heatgrid run</c> as a process under oversized and too many requests: refused quickly, its memory stays
/// under 1 GB (VmRSS), and its control tick keeps its 1-s period meanwhile.
/// </summary>
public sealed class RunOversizedInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-oversized-").FullName;
    private readonly HeatGridRunRig _rig;

    private readonly ITestOutputHelper _output;

    public RunOversizedInputTests(ITestOutputHelper output) => (_rig, _output) = (new HeatGridRunRig(_folder), output);

    public void Dispose()
    {
        _rig.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task TwentyMegabyteBodies_413Quickly_RssUnder1Gb_TickKeepsItsPeriod()
    {
        using var heatgrid = _rig.Start();
        await _rig.WaitForStatusAsync(heatgrid);
        var reason = new string('r', 20 * 1024 * 1024);
        var body = Encoding.UTF8.GetBytes($"{{\"id\":\"big\",\"targetKw\":100,\"durationSeconds\":600,\"reason\":\"{reason}\"}}");
        var slowest = TimeSpan.Zero;
        var peak = 0L;

        var span = TimeSpan.FromSeconds(10);
        var ticks = await _rig.TickTimesAsync(span, async () =>
        {
            for (var i = 0; i < 6; i++)
            {
                var clock = Stopwatch.StartNew();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                if (i % 2 == 1)
                {
                    content.Headers.ContentLength = null;   // chunked: no length to refuse up front, Kestrel stops it at 64 KiB
                }

                try
                {
                    using var response = await _rig.Http.PostAsync(_rig.Url("/api/dr/curtail"), content);
                    Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
                catch (HttpRequestException)
                {
                    // The server may close the connection before all 20 MB were sent: refused as well.
                }

                slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
                peak = Math.Max(peak, HeatGridRunRig.RssBytes(heatgrid.Id));
            }
        });

        _output.WriteLine($"6 x 20 MB: slowest refusal {slowest.TotalMilliseconds:0} ms, peak RSS {peak / 1048576} MB, {ticks.Count} ticks in {span.TotalSeconds} s, "
            + $"largest gap {ticks.Zip(ticks.Skip(1), (a, b) => (b - a).TotalSeconds).Max():0.00} s");
        HeatGridRunRig.AssertOneSecondPeriod(ticks, span, HeatGridRunRig.Tail(heatgrid.Output));
        Assert.DoesNotContain(" fail:", heatgrid.Output, StringComparison.Ordinal);
        Assert.True(slowest < TimeSpan.FromSeconds(3), $"a 20 MB body took {slowest.TotalSeconds:0.0} s to refuse");
        Assert.True(peak < 1L << 30, $"RSS {peak / 1048576} MB");
        Assert.Empty((await _rig.GetAsync("/api/dr/curtailments")).EnumerateArray());
        HeatGridRunRig.StopCleanly(heatgrid);
    }

    [Fact]
    public async Task FiveThousandCurtailments_At64InForceTheRestRefused409_FileSmall_RssUnder1Gb_TickKeepsItsPeriod()
    {
        using var heatgrid = _rig.Start();
        await _rig.WaitForStatusAsync(heatgrid);
        var codes = new Dictionary<HttpStatusCode, int>();
        var peak = 0L;
        var clock = Stopwatch.StartNew();

        var span = TimeSpan.FromSeconds(10);
        var ticks = await _rig.TickTimesAsync(span, async () =>
        {
            var next = -1;
            async Task Post()
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < 5000)
                {
                    using var response = await _rig.CurtailAsync($"flood-{i}", 850, 3600, new string('x', 200));
                    lock (codes)
                    {
                        codes[response.StatusCode] = codes.GetValueOrDefault(response.StatusCode) + 1;
                    }

                    if (i % 500 == 0)
                    {
                        peak = Math.Max(peak, HeatGridRunRig.RssBytes(heatgrid.Id));
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Post()));
        });
        var elapsed = clock.Elapsed;

        var shown = string.Join(", ", codes.Select(c => $"{(int)c.Key}: {c.Value}"));
        _output.WriteLine($"5,000 POSTs: {shown} in {elapsed.TotalSeconds:0.0} s, peak RSS {peak / 1048576} MB, {ticks.Count} ticks in {span.TotalSeconds} s, "
            + $"largest gap {ticks.Zip(ticks.Skip(1), (a, b) => (b - a).TotalSeconds).Max():0.00} s, curtailments.json {new FileInfo(Path.Combine(_rig.Data, "curtailments.json")).Length} bytes");
        Assert.DoesNotContain(" fail:", heatgrid.Output, StringComparison.Ordinal);
        Assert.Equal(64, codes.GetValueOrDefault(HttpStatusCode.Accepted));
        Assert.Equal(5000 - 64, codes.GetValueOrDefault(HttpStatusCode.Conflict));
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"5,000 requests took {elapsed.TotalSeconds:0} s ({shown})");
        HeatGridRunRig.AssertOneSecondPeriod(ticks, span, HeatGridRunRig.Tail(heatgrid.Output));
        Assert.True(peak < 1L << 30, $"RSS {peak / 1048576} MB");
        Assert.True(new FileInfo(Path.Combine(_rig.Data, "curtailments.json")).Length < 64 * 1024);

        // A page on another host name (DNS rebinding) gets nothing.
        using var foreign = new HttpRequestMessage(HttpMethod.Get, _rig.Url("/api/status"));
        foreign.Headers.Host = "attacker.example";
        using var refused = await _rig.Http.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        HeatGridRunRig.StopCleanly(heatgrid);
    }
}
