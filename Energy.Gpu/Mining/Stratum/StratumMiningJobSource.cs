using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Mining.Stratum;

/// <summary>
/// A pool's work for the mining loads: each <c>mining.notify</c> of the <see cref="StratumClient"/> becomes the
/// <see cref="Current"/> job (its header built with this source's next extranonce2), and each share the loads
/// find is submitted to the pool with that job's extranonce2, the header's time and nonce. While the client is
/// not connected there is no job (the loads idle: hashing for nobody earns nothing). <see cref="Start"/> runs
/// the client; <see cref="Dispose"/> stops it.
/// </summary>
public sealed class StratumMiningJobSource : IMiningJobSource, IDisposable
{
    private readonly StratumClient _client;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConditionalWeakTable<MiningJob, Work> _work = [];
    private MiningJob? _current;
    private long _extranonce2;
    private Task? _run;

    public StratumMiningJobSource(StratumClient client, ILogger<StratumMiningJobSource> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _logger = logger;
        _client.JobReceived += (_, job) => Take(job);
    }

    /// <summary>The pool's latest job; null while disconnected or before the first notify.</summary>
    public MiningJob? Current => _client.IsConnected ? Volatile.Read(ref _current) : null;

    /// <summary>True while the pool connection is up (subscribed and authorized).</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Shares the pool counted (submitted, accepted, rejected, stale).</summary>
    public StratumShareCounters Shares => _client.Shares;

    /// <summary>The client's run: it ends only when stopped, or when the pool refuses the worker.</summary>
    public Task? Running => _run;

    /// <summary>Starts the client (once).</summary>
    public void Start()
    {
        _run ??= Task.Run(async () =>
        {
            try
            {
                await _client.RunAsync(_stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (StratumAuthorizationException e)
            {
                // The client logged it; the loads stay without work until the worker or password is fixed.
                Log.PoolWorkerRefused(_logger, e.Message);
            }
        });
    }

    public void Submit(MiningJob job, BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(header);
        if (!_work.TryGetValue(job, out var work))
        {
            return;
        }

        // Called on the load's thread: hand the network round trip to the pool's connection and return.
        _ = SubmitAsync(work, header);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _run?.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private async Task SubmitAsync(Work work, BlockHeader header)
    {
        try
        {
            await _client.SubmitAsync(work.Job, work.Extranonce2, header.Time, header.Nonce, _stop.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            Log.PoolShareLost(_logger, work.Job.JobId, e.Message);
        }
    }

    private void Take(StratumJob job)
    {
        var size = job.Subscription?.Extranonce2Size ?? 0;
        var extranonce2 = new byte[size];
        var counter = (ulong)Interlocked.Increment(ref _extranonce2);
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(word, counter);
        word[Math.Max(0, 8 - size)..].CopyTo(extranonce2.AsSpan(Math.Max(0, size - 8)));
        var mining = new MiningJob($"{job.JobId}/{Convert.ToHexStringLower(extranonce2)}", job.BuildHeader(extranonce2), job.ShareTarget);
        _work.AddOrUpdate(mining, new Work(job, extranonce2));
        Volatile.Write(ref _current, mining);
    }

    private sealed record Work(StratumJob Job, byte[] Extranonce2);
}
