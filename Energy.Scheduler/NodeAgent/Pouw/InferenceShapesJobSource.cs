using System.Collections.Concurrent;
using Energy.Gpu.Pouw;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.NodeAgent.Pouw;

/// <summary>
/// The node's PoUW work "on the inference shapes": the job's current header from the controller, the weights W made
/// from the seed the job was registered with (<see cref="PouwSyntheticOperands.Weights"/>, refused when the header's
/// weights root is not theirs), and one batch of activations per synthetic request (a counter). Every batch's
/// activations root is logged at the controller (<c>POST …/batches</c>) before the batch is queued for the miner, so
/// before any of its tickets exists. <see cref="StepAsync"/> does one step of that; <see cref="RunAsync"/> loops it.
/// </summary>
public sealed class InferenceShapesJobSource : IPouwJobSource
{
    public const string WeightsAlarm = "pouw.weights";
    public const string JobAlarm = "pouw.job";
    public const string UnauthorizedAlarm = "pouw.unauthorized";

    private readonly PouwControllerClient _client;
    private readonly PouwNodeOptions _options;
    private readonly string _node;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private readonly ConcurrentQueue<PouwWorkBatch> _queue = new();
    private volatile Mining? _mining;
    private Weights? _weights;
    private string? _notMining = "the job's header has not been read yet";
    private string? _loggedNotMining;
    private long _loggedSequence = -1;
    private int _refreshRequested;
    private long _counter;
    private long _logged;
    private DateTimeOffset _nextHeader;
    private DateTimeOffset _nextBatch;
    private TimeSpan _backoff;
    private bool _headerFailing;

    public InferenceShapesJobSource(PouwControllerClient client, PouwNodeOptions options, string node, TimeProvider time, ILogger logger, Alarms? alarms = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _options = options;
        _node = node;
        _time = time;
        _logger = logger;
        _alarms = alarms;
        Run = time.GetUtcNow().ToUnixTimeMilliseconds();
        _nextHeader = _nextBatch = time.GetUtcNow();
        _backoff = options.FirstBackoff;
    }

    /// <summary>This run's number in the activations' derivation (its start, Unix ms): batch counters restart with the agent.</summary>
    public long Run { get; }

    /// <summary>The header mined under; null while not mining.</summary>
    public PouwHeader? Header => _mining?.Header;

    /// <summary>Why the node is not mining (weights not the job's, job unknown, key refused); null while it mines.</summary>
    public string? NotMining => Volatile.Read(ref _notMining);

    /// <summary>Batches logged at the controller.</summary>
    public long BatchesLogged => Interlocked.Read(ref _logged);

    /// <summary>Logged batches waiting for the miner.</summary>
    public int Queued => _queue.Count;

    /// <summary>Read the header again at the next step (a ticket was refused as stale).</summary>
    public void RequestRefresh() => Interlocked.Exchange(ref _refreshRequested, 1);

    /// <summary>The next logged batch, bound to the current header (a batch's root is logged for the job, so any of its headers takes it).</summary>
    public PouwWorkBatch? TryTake()
    {
        var mining = _mining;
        while (mining is not null && _queue.TryDequeue(out var batch))
        {
            // A batch made for other weights (the shape changed since) is dropped.
            if (ReferenceEquals(batch.WeightsTree, mining.Tree))
            {
                return batch with { Header = mining.Header };
            }
        }

        return null;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var wait = await StepAsync(ct);
            await Task.Delay(wait, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Reads the header when due, else logs one batch when there is room and the rate allows; returns how long to wait before the next step.</summary>
    public async Task<TimeSpan> StepAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (Interlocked.Exchange(ref _refreshRequested, 0) == 1 || now >= _nextHeader)
        {
            _nextHeader = now + await RefreshAsync(ct);
        }

        now = _time.GetUtcNow();
        if (_mining is { } mining && _queue.Count < _options.QueuedBatches && now >= _nextBatch)
        {
            _nextBatch = _time.GetUtcNow() + await LogBatchAsync(mining, ct);
        }

        // Poll for room in the queue at least every 50 ms: the miner takes batches on its own thread.
        var due = (_nextHeader < _nextBatch ? _nextHeader : _nextBatch) - _time.GetUtcNow();
        return due < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : due > TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : due;
    }

    private async Task<TimeSpan> RefreshAsync(CancellationToken ct)
    {
        var (header, result) = await _client.HeaderAsync(_options.Tenant, _options.Job, ct);
        switch (result.Outcome)
        {
            case PouwCallOutcome.Unauthorized:
                Unauthorized("reading the job's header", result);
                return _options.UnauthorizedRetry;
            case PouwCallOutcome.Refused:
                _alarms?.Clear(UnauthorizedAlarm);
                StopMining(JobAlarm, $"the controller has no job {_options.Tenant}/{_options.Job} (HTTP {result.Status}: {result.Detail}); register it with the weights root 'heatgrid pouw weights --seed {_options.WeightsSeed}' prints");
                return _options.HeaderRefresh;
            case PouwCallOutcome.Retry:
                if (!_headerFailing)
                {
                    _headerFailing = true;
                    Log.PouwHeaderUnavailable(_logger, _options.Tenant, _options.Job, result.Reason, result.Detail, _options.HeaderRefresh.TotalSeconds);
                }

                return _options.HeaderRefresh;
        }

        _headerFailing = false;
        _alarms?.Clear(UnauthorizedAlarm);
        _alarms?.Clear(JobAlarm);
        var p = header!.Parameters;
        if (p.Check() is { } bounds)
        {
            StopMining(WeightsAlarm, "the header's parameters are out of bounds: " + bounds);
            return _options.HeaderRefresh;
        }

        var weights = WeightsFor(p);
        if (!weights.Tree.Root.AsSpan().SequenceEqual(header.WeightsRoot))
        {
            StopMining(WeightsAlarm, $"the job's weights root {Convert.ToHexStringLower(header.WeightsRoot)[..16]}… is not this agent's W "
                + $"(--pouw-weights-seed {_options.WeightsSeed}, n={p.N} k={p.K} r={p.Rank}: root {Convert.ToHexStringLower(weights.Tree.Root)[..16]}…); "
                + "register the job with that seed's root or give its seed");
            return _options.HeaderRefresh;
        }

        _alarms?.Clear(WeightsAlarm);
        _mining = new Mining(header, weights.Values, weights.Tree);
        Volatile.Write(ref _notMining, null);
        _loggedNotMining = null;
        if (header.Sequence != _loggedSequence)
        {
            _loggedSequence = header.Sequence;
            Log.PouwHeaderTaken(_logger, header.Tenant, header.Job, header.Sequence, p.ToString());
        }

        return _options.HeaderRefresh;
    }

    private async Task<TimeSpan> LogBatchAsync(Mining mining, CancellationToken ct)
    {
        var p = mining.Header.Parameters;
        var counter = Interlocked.Increment(ref _counter);
        var activations = PouwSyntheticOperands.Activations(_node, Run, counter, p.M, p.K, p.Rank);
        var root = PouwMerkle.RootOf(activations, p.M, p.K);
        var result = await _client.LogBatchAsync(_options.Tenant, _options.Job, root, ct);
        switch (result.Outcome)
        {
            case PouwCallOutcome.Answered:
                _queue.Enqueue(new PouwWorkBatch(mining.Header, mining.Weights, activations, mining.Tree));
                Interlocked.Increment(ref _logged);
                Log.PouwNodeBatchLogged(_logger, _options.Tenant, _options.Job, counter, Convert.ToHexStringLower(root));
                _backoff = _options.FirstBackoff;
                return TimeSpan.FromSeconds(1 / Math.Max(1e-3, _options.MaxBatchesPerSecond));
            case PouwCallOutcome.Unauthorized:
                Unauthorized("logging a batch", result);
                return _options.UnauthorizedRetry;
            case PouwCallOutcome.Refused:
                Log.PouwBatchNotLogged(_logger, _options.Tenant, _options.Job, counter, result.Reason, result.Detail, _options.HeaderRefresh.TotalSeconds);
                RequestRefresh();
                return _options.HeaderRefresh;
            default:
                var wait = _backoff;
                _backoff = _backoff * 2 > _options.MaxBackoff ? _options.MaxBackoff : _backoff * 2;
                Log.PouwBatchNotLogged(_logger, _options.Tenant, _options.Job, counter, result.Reason, result.Detail, wait.TotalSeconds);
                return wait;
        }
    }

    private void Unauthorized(string what, PouwCallResult result)
    {
        var message = $"the controller refused this agent's PoUW API key on {what} (HTTP {result.Status}): give an agent key with --pouw-key-file";
        _alarms?.Hold(UnauthorizedAlarm, message, AlarmSeverity.Critical);
        Log.PouwUnauthorized(_logger, what, result.Status, result.Detail, _options.UnauthorizedRetry.TotalSeconds);
    }

    private void StopMining(string alarm, string reason)
    {
        _mining = null;
        _queue.Clear();
        Volatile.Write(ref _notMining, reason);
        _alarms?.Hold(alarm, "PoUW: not mining: " + reason, AlarmSeverity.Warning);
        if (reason != _loggedNotMining)
        {
            _loggedNotMining = reason;
            _loggedSequence = -1;
            Log.PouwNotMining(_logger, _options.Tenant, _options.Job, reason, _options.HeaderRefresh.TotalSeconds);
        }
    }

    /// <summary>W for the shape, made once per (n, k, r): 8192×8192 takes a fraction of a second.</summary>
    private Weights WeightsFor(in PouwParameters p)
    {
        if (_weights is { } w && w.N == p.N && w.K == p.K && w.Rank == p.Rank)
        {
            return w;
        }

        var values = PouwSyntheticOperands.Weights(_options.WeightsSeed, p.N, p.K, p.Rank);
        _weights = new Weights(p.N, p.K, p.Rank, values, PouwMerkle.Build(values, p.N, p.K));
        return _weights;
    }

    private sealed record Mining(PouwHeader Header, sbyte[] Weights, PouwMerkle Tree);

    private sealed record Weights(int N, int K, int Rank, sbyte[] Values, PouwMerkle Tree);
}
