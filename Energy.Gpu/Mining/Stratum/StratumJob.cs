using System.Globalization;
using System.Text.Json;

namespace Energy.Gpu.Mining.Stratum;

/// <summary>
/// Work from one <c>mining.notify</c>. Version, nBits and nTime arrive as big-endian hex of the number
/// and are kept as numbers (the header writes them little-endian); the previous block hash is kept
/// in header order (see <see cref="StratumPrevHash"/>); merkle branch hashes are used as sent.
/// A job from a <see cref="StratumClient"/> also carries what was in force on its connection when it
/// arrived: the extranonce1 (NiceHash's extranonce.subscribe: a new one applies from the next
/// mining.notify) and the share difficulty (by this client's convention, mining.set_difficulty applies
/// to the jobs received after it, never to earlier ones).
/// </summary>
public sealed class StratumJob
{
    private readonly byte[] _previousBlockHash;
    private readonly byte[] _coinbase1;
    private readonly byte[] _coinbase2;

    public StratumJob(
        string jobId,
        ReadOnlySpan<byte> previousBlockHash,
        ReadOnlySpan<byte> coinbase1,
        ReadOnlySpan<byte> coinbase2,
        IReadOnlyList<byte[]> merkleBranch,
        uint version,
        uint bits,
        uint time,
        bool cleanJobs,
        StratumSubscription? subscription = null,
        double difficulty = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentOutOfRangeException.ThrowIfNotEqual(previousBlockHash.Length, DisplayHash.Bytes, nameof(previousBlockHash));
        ArgumentNullException.ThrowIfNull(merkleBranch);
        if (!double.IsFinite(difficulty) || difficulty <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(difficulty), difficulty, "A share difficulty is a positive number.");
        }

        JobId = jobId;
        _previousBlockHash = previousBlockHash.ToArray();
        _coinbase1 = coinbase1.ToArray();
        _coinbase2 = coinbase2.ToArray();
        MerkleBranch = [.. merkleBranch];
        Version = version;
        Bits = bits;
        Time = time;
        CleanJobs = cleanJobs;
        Subscription = subscription;
        Difficulty = difficulty;
    }

    public string JobId { get; }

    public ReadOnlySpan<byte> PreviousBlockHash => _previousBlockHash;

    public ReadOnlySpan<byte> Coinbase1 => _coinbase1;

    public ReadOnlySpan<byte> Coinbase2 => _coinbase2;

    public IReadOnlyList<byte[]> MerkleBranch { get; }

    public uint Version { get; }

    public uint Bits { get; }

    public uint Time { get; }

    public bool CleanJobs { get; }

    /// <summary>The extranonce1 and extranonce2 size for this job; null for a job parsed outside a connection.</summary>
    public StratumSubscription? Subscription { get; }

    /// <summary>The share difficulty in force when the job arrived (1 until the pool sets one).</summary>
    public double Difficulty { get; }

    /// <summary>The target a share for this job must meet (difficulty 1 = nBits 0x1d00ffff).</summary>
    public Target ShareTarget => Target.FromDifficulty(Difficulty);

    /// <summary>The header to hash for this job with the miner's <paramref name="extranonce2"/> and the job's own extranonce1.</summary>
    /// <exception cref="InvalidOperationException">The job came from no pool connection (use <see cref="StratumHeaderBuilder.Build"/>).</exception>
    public BlockHeader BuildHeader(ReadOnlySpan<byte> extranonce2, uint? time = null, uint nonce = 0)
    {
        var subscription = Subscription ?? throw new InvalidOperationException($"Job {JobId} came from no pool connection: it has no extranonce1.");
        ArgumentOutOfRangeException.ThrowIfNotEqual(extranonce2.Length, subscription.Extranonce2Size, nameof(extranonce2));
        return StratumHeaderBuilder.Build(this, subscription.Extranonce1, extranonce2, time, nonce);
    }

    /// <summary>Parses <c>params</c> of mining.notify: [job_id, prevhash, coinb1, coinb2, [branch], version, nbits, ntime, clean_jobs].</summary>
    public static StratumJob FromNotifyParams(JsonElement parameters, StratumSubscription? subscription = null, double difficulty = 1)
    {
        if (parameters.ValueKind != JsonValueKind.Array || parameters.GetArrayLength() < 9)
        {
            throw new StratumProtocolException($"mining.notify needs 9 parameters, got {parameters.GetRawText()}.");
        }

        var branch = parameters[4].EnumerateArray().Select(h => Convert.FromHexString(h.GetString() ?? "")).ToList();
        return new StratumJob(
            parameters[0].GetString() ?? throw new StratumProtocolException("mining.notify without a job id."),
            StratumPrevHash.ToHeaderOrder(parameters[1].GetString() ?? ""),
            Convert.FromHexString(parameters[2].GetString() ?? ""),
            Convert.FromHexString(parameters[3].GetString() ?? ""),
            branch,
            ParseWord(parameters[5]),
            ParseWord(parameters[6]),
            ParseWord(parameters[7]),
            parameters[8].ValueKind == JsonValueKind.True,
            subscription,
            difficulty);
    }

    internal static uint ParseWord(JsonElement hex) =>
        uint.Parse(hex.GetString() ?? "", NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
