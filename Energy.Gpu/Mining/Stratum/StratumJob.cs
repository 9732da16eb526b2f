using System.Globalization;
using System.Text.Json;

namespace Energy.Gpu.Mining.Stratum;

/// <summary>
/// Work from one <c>mining.notify</c>. Version, nBits and nTime arrive as big-endian hex of the number
/// and are kept as numbers (the header writes them little-endian); the previous block hash is kept
/// in header order (see <see cref="StratumPrevHash"/>); merkle branch hashes are used as sent.
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
        bool cleanJobs)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentOutOfRangeException.ThrowIfNotEqual(previousBlockHash.Length, DisplayHash.Bytes, nameof(previousBlockHash));
        ArgumentNullException.ThrowIfNull(merkleBranch);
        JobId = jobId;
        _previousBlockHash = previousBlockHash.ToArray();
        _coinbase1 = coinbase1.ToArray();
        _coinbase2 = coinbase2.ToArray();
        MerkleBranch = [.. merkleBranch];
        Version = version;
        Bits = bits;
        Time = time;
        CleanJobs = cleanJobs;
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

    /// <summary>Parses <c>params</c> of mining.notify: [job_id, prevhash, coinb1, coinb2, [branch], version, nbits, ntime, clean_jobs].</summary>
    public static StratumJob FromNotifyParams(JsonElement parameters)
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
            parameters[8].ValueKind == JsonValueKind.True);
    }

    internal static uint ParseWord(JsonElement hex) =>
        uint.Parse(hex.GetString() ?? "", NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
