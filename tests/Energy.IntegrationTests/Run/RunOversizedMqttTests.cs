using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Run;

/// <summary>
/// <c>heatgrid run</c>'s embedded broker under three clients that each publish a 250 MB payload (once
/// 1.65 GB of the process's memory): each is disconnected at the packet's header, the process's resident
/// memory stays under 1 GB, the control loop keeps its 1-s tick, and the refusal is an alarm in /api/status.
/// </summary>
[Collection(DemoPorts.Name)]
public sealed class RunOversizedMqttTests : IDisposable
{
    private const long OneGigabyte = 1L << 30;
    private static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-oversized-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ThreeClientsPublishing250Megabytes_AreCutOff_RssStaysUnder1GB_AndTheTickKeepsItsPeriod()
    {
        var (http, mqtt) = (FreePort.Next(), FreePort.Next());
        using var heatgrid = HeatGridProcess.Start("run", "--http", $"127.0.0.1:{http}", "--data", Path.Combine(_folder, "data"),
            "--mqtt-listen", $"127.0.0.1:{mqtt}");
        var first = await StatusAsync(http, StartBudget, heatgrid);

        var attacks = Enumerable.Range(0, 3).Select(i => PublishHugeAsync(mqtt, $"evil{i}", 250_000_000)).ToArray();
        var sentBeforeCut = await Task.WhenAll(attacks);
        var rss = ResidentBytes(heatgrid.Id);

        // The tick went on through it: the status's time is current and advanced about once a second.
        var times = new List<DateTimeOffset>();
        JsonElement last = first;
        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            last = await StatusAsync(http, TimeSpan.FromSeconds(5), heatgrid);
            times.Add(last.GetProperty("time").GetDateTimeOffset());
        }

        Assert.All(sentBeforeCut, sent => Assert.True(sent < 64L * 1024 * 1024, $"the broker read {sent:N0} bytes of a 250 MB packet before cutting it off"));
        Assert.True(rss < OneGigabyte, $"resident memory {rss / 1048576} MB after the attack");
        Assert.True(times[^1] - times[0] >= TimeSpan.FromSeconds(2), $"the control loop's status did not advance: {string.Join(", ", times)}");
        var alarms = last.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("key").GetString()).ToList();
        Assert.Contains("mqtt.oversized", alarms);
        Assert.Contains("announced a packet of 250000000 bytes", heatgrid.Output, StringComparison.Ordinal);
        Assert.False(heatgrid.HasExited, heatgrid.Output);
    }

    /// <summary>CONNECT, then a PUBLISH announcing <paramref name="length"/> bytes, streamed until the broker cuts the connection; how much it took.</summary>
    private static async Task<long> PublishHugeAsync(int port, string clientId, int length)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var id = System.Text.Encoding.ASCII.GetBytes(clientId);
        byte[] connect = [0x10, (byte)(12 + id.Length), 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x02, 0, 60, 0, (byte)id.Length, .. id];
        await socket.SendAsync(connect);
        var connack = new byte[4];
        Assert.Equal(4, await socket.ReceiveAsync(connack));
        Assert.Equal(0x20, connack[0]);

        var header = new List<byte> { 0x30 };
        for (var rest = length; ;)
        {
            var b = (byte)(rest % 128);
            rest /= 128;
            header.Add(rest > 0 ? (byte)(b | 0x80) : b);
            if (rest == 0)
            {
                break;
            }
        }

        long sent = 0;
        var chunk = new byte[1024 * 1024];
        try
        {
            sent += await socket.SendAsync(header.ToArray());
            while (sent < length)
            {
                sent += await socket.SendAsync(chunk);
            }
        }
        catch (SocketException)
        {
            // cut off by the broker: what we want
        }

        return sent;
    }

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private async Task<JsonElement> StatusAsync(int port, TimeSpan budget, HeatGridProcess heatgrid)
    {
        var deadline = DateTime.UtcNow + budget;
        while (DateTime.UtcNow < deadline && !heatgrid.HasExited)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/status"));
                if (response.IsSuccessStatusCode)
                {
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    return json.RootElement.Clone();
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not up yet
            }

            await Task.Delay(200);
        }

        Assert.Fail($"no status within {budget.TotalSeconds} s:\n{heatgrid.Output}");
        return default;
    }
}
