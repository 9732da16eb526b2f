using Energy.Gpu.Mining;
using Energy.Gpu.Nvml;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Benchmarks;

/// <summary>
/// SHA-256d at full duty for a timed window: the genesis header's nonce space in launches of 2^30,
/// its time rolled by a second after each 2^32, an easy share target for which the kernel's quick
/// reject is exact (so every candidate must verify on the CPU), and the NVML energy counter read at
/// both ends of the window. In the first pass the genesis block's own target must be met by its
/// nonce and no other.
/// </summary>
internal static class Sha256dBenchWindow
{
    private const long LaunchNonces = 1L << 30;

    public sealed record Measurement(long Hashes, TimeSpan Elapsed, double Joules, long Candidates, long Verified, long Invalid, bool GenesisNonceFound)
    {
        public double GigahashesPerSecond => Hashes / Elapsed.TotalSeconds / 1e9;

        public double JoulesPerGigahash => Joules / (Hashes / 1e9);

        public double MeanWatts => Joules / Elapsed.TotalSeconds;
    }

    public static Measurement Run(CudaSha256dKernel kernel, NvmlGpu nvml, TimeSpan window, TimeProvider time, ILogger<GpuNonceSearch> logger, CancellationToken cancellationToken)
    {
        var search = new GpuNonceSearch(kernel, time, logger, new GpuNonceSearchOptions { LaunchNonces = LaunchNonces });
        var genesis = GenesisBlock.Header();
        var share = Target.FromHighWord(LocalMiningJobSource.GenesisShareHighWord);

        // Warm-up: module load, clocks up; not counted.
        search.Search(genesis, share, 0, LaunchNonces / 4, cancellationToken);

        var header = genesis;
        var genesisHits = new List<uint>();
        long cursor = 0, hashes = 0, candidates = 0, verified = 0, invalid = 0;
        var startEnergy = nvml.EnergyCounter;
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < window)
        {
            var result = search.Search(header, share, (uint)cursor, LaunchNonces, cancellationToken);
            hashes += result.HashesTried;
            candidates += result.Candidates;
            verified += result.SharesFound;
            invalid += result.InvalidCandidates;
            if (header.Time == genesis.Time)
            {
                genesisHits.AddRange(result.Shares.Where(n => MeetsOwnTarget(header, n)));
            }

            cursor += LaunchNonces;
            if (cursor >= CpuNonceSearch.FullRange)
            {
                cursor = 0;
                header = header.WithTime(header.Time + 1);
            }
        }

        var elapsed = time.GetElapsedTime(started);
        var joules = (nvml.EnergyCounter - startEnergy).Joules;
        var firstPassDone = hashes >= CpuNonceSearch.FullRange;
        return new Measurement(hashes, elapsed, joules, candidates, verified, invalid,
            firstPassDone && genesisHits.Count == 1 && genesisHits[0] == GenesisBlock.Nonce);
    }

    private static bool MeetsOwnTarget(BlockHeader header, uint nonce)
    {
        Span<byte> hash = stackalloc byte[Sha256.DigestBytes];
        header.WithNonce(nonce).ComputeHash(hash);
        return header.Target.IsMetBy(hash);
    }
}
