using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Energy.Gpu.Mining;

/// <summary>
/// The kernel's contract on the CPU: every nonce whose hash passes the quick reject (top 32 bits ≤
/// the target's) becomes a candidate, up to <see cref="CandidateCapacity"/> kept and all counted,
/// as the kernel's out[0] does. It hashes through <see cref="Midstate"/>; the CUDA C itself is
/// checked on the CPU by the gcc harness in the tests.
/// </summary>
[SkipLocalsInit]
public sealed class CpuSha256dKernel : ISha256dKernel
{
    public CpuSha256dKernel(int candidateCapacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(candidateCapacity, 1);
        CandidateCapacity = candidateCapacity;
    }

    public int CandidateCapacity { get; }

    public Sha256dLaunchResult Launch(Sha256dKernelParameters parameters, uint firstNonce, long count)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Sha256dLaunchGeometry.MaxLaunchNonces);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, CpuNonceSearch.FullRange - firstNonce);

        var kept = new List<uint>();
        long reported = 0;
        var targetHigh = parameters.TargetHighWord;
        Span<uint> finalState = stackalloc uint[Sha256.StateWords];
        for (var n = (long)firstNonce; n < firstNonce + count; n++)
        {
            var nonce = (uint)n;
            parameters.Midstate.HashNonce(nonce, finalState);

            // The kernel's test: hash bytes 28..31 are H7 big-endian, the number's top 32 bits.
            if (BinaryPrimitives.ReverseEndianness(finalState[7]) <= targetHigh)
            {
                reported++;
                if (kept.Count < CandidateCapacity)
                {
                    kept.Add(nonce);
                }
            }
        }

        return new Sha256dLaunchResult(kept, reported);
    }
}
