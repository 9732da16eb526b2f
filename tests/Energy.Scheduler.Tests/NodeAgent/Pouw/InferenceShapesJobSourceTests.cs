using System.Net;
using Energy.Gpu.Pouw;
using Energy.Scheduler.NodeAgent.Pouw;
using Energy.Telemetry.Health;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.NodeAgent.Pouw;

public sealed class InferenceShapesJobSourceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly string _outbox = Directory.CreateTempSubdirectory("heatgrid-pouw-source-").FullName;
    private readonly FakePouwController _controller;
    private readonly Alarms _alarms;
    private readonly CapturingLogger<InferenceShapesJobSource> _log = new();

    public InferenceShapesJobSourceTests()
    {
        _controller = new FakePouwController(_time);
        _alarms = new Alarms(_time, NullLogger<Alarms>.Instance);
    }

    public void Dispose()
    {
        _controller.Dispose();
        Directory.Delete(_outbox, recursive: true);
    }

    private InferenceShapesJobSource Source(long seed, out PouwNodeOptions options)
    {
        options = FakePouwController.Options(seed, _outbox);
        return new InferenceShapesJobSource(_controller.Client(options), options, "n1", _time, _log, _alarms);
    }

    private async Task StepsAsync(InferenceShapesJobSource source, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            _time.Advance(await source.StepAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task StepAsync_HeaderOfTheSeedsWeights_BatchesLoggedBeforeTheMinerTakesThem_TheirTicketsVerify()
    {
        var header = _controller.Register(weightsSeed: 42);
        var source = Source(42, out var options);
        Assert.Null(source.TryTake());

        await StepsAsync(source, 20);

        Assert.Null(source.NotMining);
        Assert.Equal(header.Hash(), source.Header!.Hash());
        Assert.Equal(options.QueuedBatches, source.Queued);           // the queue is full; no more batches are made until the miner takes one
        Assert.Equal(options.QueuedBatches, source.BatchesLogged);
        var tickets = new List<PouwTicket>();
        var roots = new HashSet<string>(StringComparer.Ordinal);
        while (source.TryTake() is { } batch)
        {
            Assert.Equal(header.Hash(), batch.Header.Hash());
            var mined = PouwCpuMiner.Mine(batch.Activations.Span, batch.Weights.Span, batch.Header, batch.WeightsTree);
            Assert.True(_controller.Registry.IsActivationsLogged(FakePouwController.Tenant, FakePouwController.Job, mined.ActivationsRoot));
            roots.Add(Convert.ToHexStringLower(mined.ActivationsRoot));
            tickets.AddRange(mined.Tickets);
        }

        Assert.Equal(options.QueuedBatches, roots.Count);                // every batch its own activations (the counter)
        var verifier = new PouwVerifier(_controller.Registry, _time);
        Assert.All(tickets, t => Assert.True(verifier.Verify(t).Accepted));
        Assert.Contains(_log.Entries, e => e.EventId.Id == 3941);

        await StepsAsync(source, 3);
        Assert.True(source.Queued > 0, "the taken batches are replaced");
    }

    [Fact]
    public async Task StepAsync_RateBound_AtMostMaxBatchesPerSecond()
    {
        _controller.Register(weightsSeed: 42);
        var source = Source(42, out var options);
        var started = _time.GetUtcNow();
        while (_time.GetUtcNow() - started < TimeSpan.FromSeconds(2))
        {
            _time.Advance(await source.StepAsync(CancellationToken.None));
            while (source.TryTake() is not null)
            {
            }
        }

        Assert.InRange(source.BatchesLogged, 2 * options.MaxBatchesPerSecond - 1, 2 * options.MaxBatchesPerSecond + 1);
    }

    [Fact]
    public async Task StepAsync_WeightsRootNotTheSeeds_RefusesToMineSaysWhy_ThenMinesOnceTheHeaderIsTheirs()
    {
        _controller.Register(weightsSeed: 7);
        var source = Source(42, out var options);

        await StepsAsync(source, 10);

        Assert.Null(source.Header);
        Assert.Null(source.TryTake());
        Assert.Contains("not this agent's W", source.NotMining, StringComparison.Ordinal);
        Assert.Contains("--pouw-weights-seed 42", source.NotMining, StringComparison.Ordinal);
        Assert.True(_alarms.IsRaised(InferenceShapesJobSource.WeightsAlarm));
        Assert.DoesNotContain(_controller.Requests, r => r.EndsWith("/batches", StringComparison.Ordinal));
        Assert.Single(_log.WithEventId(3942));                            // said once, not at every read

        // Another agent's view: the same source with the job's seed mines and the alarm clears (retry later reads again).
        var right = new InferenceShapesJobSource(_controller.Client(options with { WeightsSeed = 7 }), options with { WeightsSeed = 7 }, "n1", _time, _log, _alarms);
        await StepsAsync(right, 5);
        Assert.Null(right.NotMining);
        Assert.False(_alarms.IsRaised(InferenceShapesJobSource.WeightsAlarm));
        Assert.NotNull(right.TryTake());

        var reads = _controller.Requests.Count(r => r.EndsWith("/header", StringComparison.Ordinal));
        _time.Advance(options.HeaderRefresh);
        await StepsAsync(source, 1);
        Assert.Equal(reads + 1, _controller.Requests.Count(r => r.EndsWith("/header", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task StepAsync_KeyRefused_CriticalAlarm_NoTightLoop()
    {
        _controller.Register(weightsSeed: 42);
        var options = FakePouwController.Options(42, _outbox) with { ApiKey = "hg_wrong" };
        var source = new InferenceShapesJobSource(new PouwControllerClient(new HttpClient(_controller, false) { BaseAddress = options.BaseAddress }, options.ApiKey),
            options, "n1", _time, _log, _alarms);

        // Thirty seconds of steps: one header read, none again before the 60-s wait for a 401.
        var started = _time.GetUtcNow();
        while (_time.GetUtcNow() - started < TimeSpan.FromSeconds(30))
        {
            _time.Advance(await source.StepAsync(CancellationToken.None));
        }

        Assert.Single(_controller.Requests);
        Assert.Contains(_alarms.Current(), a => a.Key == InferenceShapesJobSource.UnauthorizedAlarm && a.Severity == AlarmSeverity.Critical);
        Assert.Single(_log.WithEventId(3944));
        Assert.Null(source.TryTake());
    }

    [Fact]
    public async Task StepAsync_NoSuchJob_NotMiningWithTheReason()
    {
        var source = Source(42, out _);
        await StepsAsync(source, 2);
        Assert.Contains("has no job Acme AI/chat", source.NotMining, StringComparison.Ordinal);
        Assert.True(_alarms.IsRaised(InferenceShapesJobSource.JobAlarm));
    }

    [Fact]
    public async Task StepAsync_BatchNotLogged_NotQueued_RetriedWithBackoff()
    {
        _controller.Register(weightsSeed: 42);
        var source = Source(42, out _);
        _controller.Fail = r => r.RequestUri!.AbsolutePath.EndsWith("/batches", StringComparison.Ordinal) ? HttpStatusCode.ServiceUnavailable : null;

        await StepsAsync(source, 40);        // 2 s of 50-ms polls: tries at 0, 1 s (backoff 1 s, then 2 s)

        Assert.Equal(0, source.Queued);
        Assert.Equal(0, source.BatchesLogged);
        Assert.Equal(2, _controller.Requests.Count(r => r.EndsWith("/batches", StringComparison.Ordinal)));
        _controller.Fail = null;
        _time.Advance(TimeSpan.FromSeconds(2));
        await source.StepAsync(CancellationToken.None);
        Assert.Equal(1, source.BatchesLogged);
        Assert.Equal(1, source.Queued);
    }

    [Fact]
    public async Task RequestRefresh_ReadsTheHeaderAtTheNextStep_NewHeaderTakesQueuedBatches()
    {
        var first = _controller.Register(weightsSeed: 42);
        var source = Source(42, out _);
        await StepsAsync(source, 3);
        var next = _controller.Registry.Advance(FakePouwController.Tenant, FakePouwController.Job, new byte[32], _time.GetUtcNow());
        Assert.NotEqual(first.Sequence, next.Sequence);

        source.RequestRefresh();
        await StepsAsync(source, 1);

        Assert.Equal(next.Sequence, source.Header!.Sequence);
        Assert.Equal(next.Sequence, source.TryTake()!.Header.Sequence);   // logged for the job, so mined under its current header
    }
}
