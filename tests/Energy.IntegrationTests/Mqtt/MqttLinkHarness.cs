using Energy.Telemetry.Mqtt;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging;

namespace Energy.IntegrationTests.Mqtt;

/// <summary>
/// Links for a test, each with its own capturing logger, all disposed together; fast backoff so that
/// reconnects happen within a test's patience. Fails on any Error log that a test did not expect.
/// </summary>
internal sealed class MqttLinkHarness : IAsyncDisposable
{
    private readonly List<(MqttLink Link, CapturingLogger<MqttLink> Logger)> _links = [];

    public static MqttBrokerOptions Options(int port, string clientId) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        ClientId = clientId,
        KeepAlive = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
    };

    public MqttLink Create(MqttBrokerOptions options) => Create(options, out _);

    public MqttLink Create(MqttBrokerOptions options, out CapturingLogger<MqttLink> logger)
    {
        logger = new CapturingLogger<MqttLink>();
        var link = new MqttLink(options, TimeProvider.System, logger);
        _links.Add((link, logger));
        return link;
    }

    /// <summary>Creates, starts and waits until connected.</summary>
    public async Task<MqttLink> ConnectedAsync(MqttBrokerOptions options, Action<MqttLink>? beforeStart = null)
    {
        var link = Create(options, out var logger);
        beforeStart?.Invoke(link);
        await link.StartAsync(CancellationToken.None);
        Assert.True(await link.WaitConnectedAsync(TimeSpan.FromSeconds(10), CancellationToken.None), $"{options} not connected: {link.LastError}\n{Describe(logger)}");
        return link;
    }

    /// <summary>Every log line of every link, for assertion messages.</summary>
    public string Logs() => string.Join("\n", _links.Select((l, i) => $"link {i}:\n{Describe(l.Logger)}"));

    /// <summary>Error entries other than the event ids given.</summary>
    public void AssertNoErrors(params int[] expectedEventIds)
    {
        var errors = _links.SelectMany(l => l.Logger.Entries)
            .Where(e => e.Level >= LogLevel.Error && !expectedEventIds.Contains(e.EventId.Id))
            .ToList();
        Assert.True(errors.Count == 0, "unexpected errors logged:\n" + string.Join("\n", errors.Select(e => $"{e.EventId.Id} {e.Message} {e.Exception}")));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (link, _) in _links)
        {
            await link.DisposeAsync();
        }
    }

    private static string Describe(CapturingLogger<MqttLink> logger) =>
        string.Join("\n", logger.Entries.Select(e => $"  {e.Level} {e.EventId.Id} {e.Message}"));
}
