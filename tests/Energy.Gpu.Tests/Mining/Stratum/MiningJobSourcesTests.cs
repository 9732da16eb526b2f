using System.Collections.Concurrent;
using System.Globalization;
using Energy.Contracts.Configuration;
using Energy.Contracts.Sites;
using Energy.Gpu.Mining;
using Energy.Gpu.Mining.Stratum;
using Energy.TestSupport.Stratum;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Mining.Stratum;

/// <summary>The site file's pool settings reach the mining loads: the pool's jobs are hashed and shares go back to it.</summary>
public sealed class MiningJobSourcesTests : IDisposable
{
    private const string Yaml = """
        site: { name: s, timeZone: UTC, currency: EUR }
        grid: { importCapKw: 1000 }
        pools:
          - { name: h100, gpuModel: H100 SXM 80GB, count: 4, minPowerW: 200, idlePowerW: 80, maxPowerW: 700 }
        workloads:
          - name: btc
            kind: mining
            unit: TH
            joulesPerUnit: 48000
            revenuePerUnit: 0.0000006
            algorithm: sha256d
        POOL
        policy: { shedOrder: [mining], safeState: idle }
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly Loggers _loggers = new();

    public void Dispose() => _loggers.Dispose();

    private static Site Site(string pool) =>
        SiteFile.Parse(Yaml.Replace("POOL", pool, StringComparison.Ordinal), "site.yaml").GetSiteOrThrow();

    [Fact]
    public void Create_NoPool_LocalJobWhoseSharesGoNowhere()
    {
        var (jobs, owned) = MiningJobSources.Create(Site(string.Empty), _time, _loggers);

        Assert.IsType<LocalMiningJobSource>(jobs);
        Assert.Null(owned);
    }

    [Fact]
    public async Task Create_PoolInTheSiteFile_HashesItsJobsAndSubmitsSharesAsTheWorker()
    {
        var site = Site($"    pool: stratum+tcp://pool.example.com:3333\n    worker: {FakeStratumPool.WorkerName}\n    passwordEnv: HEATGRID_TEST_POOL_PASSWORD");
        using var connector = new InMemoryStratumConnector();
        StratumEndpoint? asked = null;
        var (jobs, owned) = MiningJobSources.Create(site, _time, _loggers, e => { asked = e; return connector; },
            name => name == "HEATGRID_TEST_POOL_PASSWORD" ? "s3cret" : null);
        using var _ = owned;
        var source = Assert.IsType<StratumMiningJobSource>(jobs);
        Assert.Equal(new StratumEndpoint("pool.example.com", 3333), asked);
        Assert.Contains(_loggers.Entries, e => e.Id == 2460 && e.Message.Contains("pool.example.com:3333 as worker rig1.gpu0", StringComparison.Ordinal));

        // The handshake carries the worker and the password from the environment variable.
        var pool = await connector.NextPoolAsync();
        var subscribe = await pool.ReadRequestAsync("mining.subscribe");
        await pool.ReplyAsync(subscribe, $$"""[[["mining.notify","1"]],"{{FakeStratumPool.Extranonce1}}",{{FakeStratumPool.Extranonce2Size}}]""");
        var authorize = await pool.ReadRequestAsync("mining.authorize");
        Assert.Equal(["rig1.gpu0", "s3cret"], authorize.GetProperty("params").EnumerateArray().Select(p => p.GetString() ?? string.Empty).ToArray());
        Assert.Null(source.Current);
        await pool.ReplyAsync(authorize, "true");
        Assert.True(await Eventually(() => source.IsConnected), "not connected");

        await pool.SetDifficultyAsync(1.0 / (1 << 20));
        await pool.NotifyAsync("job-9");
        Assert.True(await Eventually(() => source.Current is not null), "no job from the pool: " + string.Join("\n", _loggers.Entries));
        var job = source.Current!;
        Assert.Equal("job-9/00000001", job.Id);
        Assert.Equal(Target.FromDifficulty(1.0 / (1 << 20)), job.ShareTarget);
        Assert.Equal(job.Header.MerkleRoot.ToArray(), StratumHeaderBuilder.Build(
            new StratumJob("job-9", job.Header.PreviousBlockHash, Convert.FromHexString(GenesisNotify.Coinbase1), Convert.FromHexString(GenesisNotify.Coinbase2), [],
                job.Header.Version, job.Header.Bits, job.Header.Time, true),
            Convert.FromHexString(FakeStratumPool.Extranonce1), [0, 0, 0, 1]).MerkleRoot.ToArray());

        // A share found on the job goes to the pool with its extranonce2, time and nonce.
        const uint Nonce = 0x1234abcd;
        source.Submit(job, job.Header.WithNonce(Nonce));
        var fields = await pool.AnswerSubmitAsync(accept: true);
        Assert.Equal(["rig1.gpu0", "job-9", "00000001", job.Header.Time.ToString("x8", CultureInfo.InvariantCulture), "1234abcd"], fields);
        Assert.True(await Eventually(() => source.Shares.Accepted == 1));

        // The next notify gets a fresh extranonce2, so no two jobs search the same headers.
        await pool.NotifyAsync("job-10", cleanJobs: false);
        Assert.True(await Eventually(() => source.Current?.Id == "job-10/00000002"));
    }

    [Fact]
    public void Create_PoolUrlUnusable_LocalJobAndAnError()
    {
        var site = Site(string.Empty);
        var btc = (MiningWorkload)site.Workloads[0];
        site = site with { Workloads = [btc with { Pool = new MiningPoolAccount("stratum+tcp://[::1", "w", null) }] };

        var (jobs, owned) = MiningJobSources.Create(site, _time, _loggers);

        Assert.IsType<LocalMiningJobSource>(jobs);
        Assert.Null(owned);
        Assert.Contains(_loggers.Entries, e => e.Id == 2461 && e.Level == LogLevel.Error);
    }

    /// <summary>Polls without blocking the test's thread (the client's continuations may need it).</summary>
    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > Patience)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }

        return true;
    }

    private sealed record Entry(string Category, LogLevel Level, int Id, string Message);

    /// <summary>Every category's log lines in one list.</summary>
    private sealed class Loggers : ILoggerFactory
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public IReadOnlyList<Entry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(category, logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}
