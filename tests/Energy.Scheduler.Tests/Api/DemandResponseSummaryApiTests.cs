using System.Text.Json;
using Energy.Contracts.Agents.Protocol;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Api;

/// <summary><c>GET /api/dr/summary</c> beside <c>GET /api/dr/events</c>, through an in-memory server.</summary>
public sealed class DemandResponseSummaryApiTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-api-dr-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 1, 10, 0, 0, TimeSpan.Zero));
    private WebApplication? _app;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        var options = new RunOptions(TestSites.Bathhouse(), "test", "http://127.0.0.1:0", _data, ServeSimulatedDevices: false,
            Gpus: Energy.Gpu.Devices.GpuBackendMode.Simulated);
        _app = HeatGridHost.Build(options, _time, b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        await _app.Services.GetRequiredService<StatusBoard>().FirstPublished.WaitAsync(TimeSpan.FromSeconds(30));
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task GetSummary_PowerDownAgainstTheDeadlinePerKind_EventsStayAList()
    {
        var at = _time.GetUtcNow();
        var log = _app!.Services.GetRequiredService<DemandResponseLog>();
        foreach (var (node, downMs) in new[] { ("n1", 110.0), ("n2", 140.0), ("n3", 820.0) })
        {
            log.Record(new DemandResponseEvent(AgentJson.Version, node, node + "-1", "frequency", 49.45, 49.5, 0.7, at, at.AddMilliseconds(2),
                at.AddMilliseconds(5), at.AddMilliseconds(downMs), 4000, 640, 8) { PowerReading = "nvml-instant", PowerReadingWindowMs = 25 });
        }

        using var summary = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/dr/summary", UriKind.Relative)));
        var frequency = summary.RootElement.GetProperty("kinds").EnumerateArray().Single(k => k.GetProperty("kind").GetString() == "frequency");
        Assert.Equal((3, 3, 2, 1), (frequency.GetProperty("count").GetInt32(), frequency.GetProperty("observed").GetInt32(),
            frequency.GetProperty("met").GetInt32(), frequency.GetProperty("late").GetInt32()));
        Assert.Equal((0.14, 0.82), (frequency.GetProperty("powerDownP50Seconds").GetDouble(), frequency.GetProperty("powerDownP99Seconds").GetDouble()));
        Assert.Equal(0.7, frequency.GetProperty("deadlines")[0].GetProperty("deadlineSeconds").GetDouble());
        Assert.Equal("nvml-instant", frequency.GetProperty("powerReadings")[0].GetString());

        // The events themselves: still a list, now saying how long the power took and on which reading.
        using var events = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/dr/events", UriKind.Relative)));
        var late = events.RootElement.EnumerateArray().Single(e => e.GetProperty("node").GetString() == "n3");
        Assert.Equal((0.82, false, "nvml-instant", 25.0), (late.GetProperty("powerDownSeconds").GetDouble(), late.GetProperty("metDeadline").GetBoolean(),
            late.GetProperty("powerReading").GetString(), late.GetProperty("powerReadingWindowMs").GetDouble()));
    }
}
