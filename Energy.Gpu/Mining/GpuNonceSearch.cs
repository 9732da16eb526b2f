using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Mining;

/// <summary>
/// Drives an <see cref="ISha256dKernel"/> over a nonce range in launches of
/// <see cref="GpuNonceSearchOptions.LaunchNonces"/>, and trusts none of its answers: every candidate
/// is hashed again on the CPU (SHA-256d over the 80 header bytes) and only those that meet the
/// target become shares. Quick-reject false positives and invalid results (outside the launch,
/// repeated, or failing the kernel's own test) are counted as rejected and logged, never returned.
/// A launch whose output buffer overflowed is searched again in halves, so no hit is lost.
/// </summary>
public sealed class GpuNonceSearch
{
    private readonly ISha256dKernel _kernel;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<GpuNonceSearch> _logger;
    private readonly long _launchNonces;

    public GpuNonceSearch(ISha256dKernel kernel, TimeProvider timeProvider, ILogger<GpuNonceSearch> logger, GpuNonceSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        options ??= new GpuNonceSearchOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LaunchNonces, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.LaunchNonces, Sha256dLaunchGeometry.MaxLaunchNonces, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel.CandidateCapacity, 1, nameof(kernel));
        _kernel = kernel;
        _timeProvider = timeProvider;
        _logger = logger;
        _launchNonces = options.LaunchNonces;
    }

    /// <summary>Searches nonces firstNonce … firstNonce + count − 1 (no wrap past 2^32 − 1).</summary>
    public GpuNonceSearchResult Search(BlockHeader header, Target target, uint firstNonce, long count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, CpuNonceSearch.FullRange - firstNonce);

        var started = _timeProvider.GetTimestamp();
        var search = new SearchState(header, target);
        var end = firstNonce + count;
        for (var launchStart = (long)firstNonce; launchStart < end; launchStart += _launchNonces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LaunchAndVerify(search, (uint)launchStart, Math.Min(_launchNonces, end - launchStart));
        }

        search.Shares.Sort();
        var result = new GpuNonceSearchResult(
            search.Shares, search.Candidates, search.Rejected, search.Invalid, search.Launches, search.Overflows, count, _timeProvider.GetElapsedTime(started));
        Log.NonceSearchFinished(
            _logger, count, firstNonce, (long)result.Elapsed.TotalMilliseconds, result.HashesPerSecond, result.Launches, result.Candidates, result.SharesFound, result.Rejected);
        return result;
    }

    private void LaunchAndVerify(SearchState search, uint firstNonce, long count)
    {
        var launch = _kernel.Launch(search.Parameters, firstNonce, count);
        search.Launches++;
        if (launch.Overflowed && count > 1)
        {
            search.Overflows++;
            Log.CandidateBufferOverflowed(_logger, count, firstNonce, launch.ReportedCount, _kernel.CandidateCapacity);
            var half = count / 2;
            LaunchAndVerify(search, firstNonce, half);
            LaunchAndVerify(search, (uint)(firstNonce + half), count - half);
            return;
        }

        var seen = new HashSet<uint>();
        foreach (var nonce in launch.Candidates)
        {
            search.Candidates++;
            if (nonce < firstNonce || nonce - (long)firstNonce >= count)
            {
                Reject(search, nonce, firstNonce, count, "outside the launched range");
            }
            else if (!seen.Add(nonce))
            {
                Reject(search, nonce, firstNonce, count, "reported twice");
            }
            else
            {
                Verify(search, nonce, firstNonce, count);
            }
        }
    }

    private void Verify(SearchState search, uint nonce, uint launchFirstNonce, long launchNonces)
    {
        Span<byte> hash = stackalloc byte[Sha256.DigestBytes];
        search.HashHeader(nonce, hash);
        if (search.Target.IsMetBy(hash))
        {
            search.Shares.Add(nonce);
            Log.ShareFound(_logger, nonce, search.Target, DisplayHash.Format(hash));
            return;
        }

        // The kernel's quick reject sees only the top 32 bits (hash bytes 28..31, little-endian).
        if (BinaryPrimitives.ReadUInt32LittleEndian(hash[28..]) <= search.Target.HighWord)
        {
            search.Rejected++;
            Log.CandidateMissedTarget(_logger, nonce, DisplayHash.Format(hash), search.Target);
            return;
        }

        Reject(search, nonce, launchFirstNonce, launchNonces, "its hash fails the kernel's quick reject");
    }

    private void Reject(SearchState search, uint nonce, uint launchFirstNonce, long launchNonces, string reason)
    {
        search.Rejected++;
        search.Invalid++;
        Log.InvalidCandidate(_logger, nonce, launchNonces, launchFirstNonce, reason);
    }

    private sealed class SearchState
    {
        private readonly byte[] _header = new byte[BlockHeader.Size];

        public SearchState(BlockHeader header, Target target)
        {
            header.WriteTo(_header);
            Target = target;
            Parameters = Sha256dKernelParameters.Create(Midstate.FromHeader(_header), target);
        }

        public Target Target { get; }

        public Sha256dKernelParameters Parameters { get; }

        public List<uint> Shares { get; } = [];

        public long Candidates { get; set; }

        public long Rejected { get; set; }

        public long Invalid { get; set; }

        public int Launches { get; set; }

        public int Overflows { get; set; }

        /// <summary>SHA-256d over all 80 header bytes: independent of the midstate path the kernels take.</summary>
        public void HashHeader(uint nonce, Span<byte> hash)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(BlockHeader.NonceOffset), nonce);
            Sha256.HashTwice(_header, hash);
        }
    }
}
