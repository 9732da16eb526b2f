using System.Threading.Channels;
using Energy.Gpu.Mining.Stratum;
using Energy.TestSupport.Logging;
using Energy.TestSupport.Stratum;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Mining.Stratum;

/// <summary>
/// A <see cref="StratumClient"/> on fake time over in-memory connections, its events queued in order.
/// Disposing stops the client and fails the test if it logged an Error that the test did not expect.
/// </summary>
internal sealed class StratumClientHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<StratumSubscription> _connected = Channel.CreateUnbounded<StratumSubscription>();
    private readonly Channel<StratumJob> _jobs = Channel.CreateUnbounded<StratumJob>();
    private readonly Channel<TimeSpan> _reconnects = Channel.CreateUnbounded<TimeSpan>();

    public StratumClientHarness(Func<StratumClientOptions, StratumClientOptions>? configure = null)
    {
        Options = configure is null ? DefaultOptions : configure(DefaultOptions);
        Client = new StratumClient(Options, Connector, Time, Logger);
        Client.Connected += (_, s) => _connected.Writer.TryWrite(s);
        Client.JobReceived += (_, j) => _jobs.Writer.TryWrite(j);
        Client.Reconnecting += (_, d) => _reconnects.Writer.TryWrite(d);
    }

    public static StratumClientOptions DefaultOptions { get; } = new()
    {
        WorkerName = FakeStratumPool.WorkerName,
        InitialReconnectDelay = TimeSpan.FromSeconds(1),
        MaxReconnectDelay = TimeSpan.FromSeconds(8),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReadTimeout = TimeSpan.FromSeconds(30),
        MaxLineBytes = 4096,
    };

    public StratumClientOptions Options { get; }

    public FakeTimeProvider Time { get; } = new();

    public InMemoryStratumConnector Connector { get; } = new();

    public CapturingLogger<StratumClient> Logger { get; } = new();

    public StratumClient Client { get; }

    public Task? Run { get; private set; }

    /// <summary>Set by tests in which the client is meant to log an Error.</summary>
    public bool ErrorsExpected { get; set; }

    public bool HasReconnected => _reconnects.Reader.TryPeek(out _);

    public void Start() => Run ??= Client.RunAsync(_stop.Token);

    /// <summary>Starts the client if needed and plays the next connection's handshake.</summary>
    public async Task<FakeStratumPool> ConnectAsync()
    {
        Start();
        var pool = await Connector.NextPoolAsync();
        await pool.HandshakeAsync();
        await NextConnectedAsync();
        return pool;
    }

    public async Task<StratumSubscription> NextConnectedAsync() => await _connected.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async Task<StratumJob> NextJobAsync() => await _jobs.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async Task<TimeSpan> NextReconnectAsync() => await _reconnects.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    /// <summary>The reason the client logged for the latest lost or failed connection.</summary>
    public string LastDownReason() =>
        Logger.Entries.Last(e => e.EventId.Id is 2181 or 2182 or 2183).Message;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (Run is not null)
        {
            await Run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
        Connector.Dispose();
        if (!ErrorsExpected)
        {
            Assert.DoesNotContain(Logger.Entries, e => e.Level >= LogLevel.Error);
        }
    }
}
