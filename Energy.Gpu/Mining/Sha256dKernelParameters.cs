using System.Numerics;

namespace Energy.Gpu.Mining;

/// <summary>
/// The word arguments of <c>sha256d_search</c> (Kernels/sha256d.cu) for one header and target, in
/// the order the kernel declares them: everything in the nonce loop that does not depend on the
/// nonce, computed once on the host. The header's tail words (W0..W2 of its second block) are not
/// passed as such: C1's rounds 0..2 and its W16..W19 are run on them here.
/// </summary>
public sealed class Sha256dKernelParameters
{
    /// <summary>The kernel's entry point (declared <c>extern "C"</c>, so unmangled).</summary>
    public const string KernelName = "sha256d_search";

    /// <summary>How many <c>unsigned int</c> word arguments precede the launch arguments.</summary>
    public const int WordCount = 23;

    // FIPS 180-4 §5.1.1 padding of the 80-byte header: W4 = 0x80000000, W15 = 640 (the length in bits).
    private const uint PaddingStart = 0x80000000;
    private const uint HeaderBits = BlockHeader.Size * 8;

    private readonly uint[] _words = new uint[WordCount];

    private Sha256dKernelParameters(Midstate midstate, Target target)
    {
        Midstate = midstate;
        Target = target;
        var m = midstate.State;
        var tail = midstate.TailWords;
        var k = Sha256.K;
        m.CopyTo(_words);
        unchecked
        {
            // C1 rounds 0..2 read only the tail words.
            uint a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7];
            for (var t = 0; t < 3; t++)
            {
                var t1 = h + BigSigma1(e) + Ch(e, f, g) + k[t] + tail[t];
                var t2 = BigSigma0(a) + Maj(a, b, c);
                (h, g, f, e, d, c, b, a) = (g, f, e, d + t1, c, b, a, t1 + t2);
            }

            // Round 3 up to the addition of W3 (the nonce), which the kernel does.
            var t1Round3 = h + BigSigma1(e) + Ch(e, f, g) + k[3];
            var t2Round3 = BigSigma0(a) + Maj(a, b, c);
            var w16 = SmallSigma0(tail[1]) + tail[0];
            var w17 = SmallSigma1(HeaderBits) + SmallSigma0(tail[2]) + tail[1];
            ReadOnlySpan<uint> words =
            [
                t1Round3 + t2Round3,         // a4_base
                d + t1Round3,                // e4_base
                a, b, c, e, f,               // a3, b3, c3, e3, f3
                g + k[4] + PaddingStart,     // p4: h4 = g3
                f + k[5],                    // p5: h5 = f3, W5 = 0
                e + k[6],                    // p6: h6 = e3, W6 = 0
                w16,
                w17,
                SmallSigma1(w16) + tail[2],  // w18_base: W11 = 0, ssig0(W3) added by the kernel
                SmallSigma1(w17) + SmallSigma0(PaddingStart), // w19_base: W12 = 0, W3 added by the kernel
                target.HighWord,             // target_high
            ];
            words.CopyTo(_words.AsSpan(Sha256.StateWords));
        }
    }

    /// <summary>The kernel's word parameter names, in declaration order; the launch arguments follow.</summary>
    public static IReadOnlyList<string> WordNames { get; } =
    [
        "m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7",
        "a4_base", "e4_base", "a3", "b3", "c3", "e3", "f3", "p4", "p5", "p6",
        "w16", "w17", "w18_base", "w19_base", "target_high",
    ];

    /// <summary>The parameters after the words: the nonce range, the geometry and the output buffer.</summary>
    public static IReadOnlyList<string> LaunchArgumentNames { get; } =
        ["first_nonce", "last_nonce", "nonces_per_thread", "out", "out_capacity"];

    public Midstate Midstate { get; }

    public Target Target { get; }

    /// <summary>The <see cref="WordCount"/> word arguments, in the kernel's order.</summary>
    public ReadOnlySpan<uint> Words => _words;

    /// <summary>The kernel's quick-reject bound (its last word argument).</summary>
    public uint TargetHighWord => _words[^1];

    public static Sha256dKernelParameters Create(Midstate midstate, Target target)
    {
        ArgumentNullException.ThrowIfNull(midstate);
        return new Sha256dKernelParameters(midstate, target);
    }

    public static Sha256dKernelParameters FromHeader(BlockHeader header, Target target) => Create(Midstate.FromHeader(header), target);

    // FIPS 180-4 §4.1.2.
    private static uint Ch(uint x, uint y, uint z) => (x & y) ^ (~x & z);

    private static uint Maj(uint x, uint y, uint z) => (x & y) ^ (x & z) ^ (y & z);

    private static uint BigSigma0(uint x) => BitOperations.RotateRight(x, 2) ^ BitOperations.RotateRight(x, 13) ^ BitOperations.RotateRight(x, 22);

    private static uint BigSigma1(uint x) => BitOperations.RotateRight(x, 6) ^ BitOperations.RotateRight(x, 11) ^ BitOperations.RotateRight(x, 25);

    private static uint SmallSigma0(uint x) => BitOperations.RotateRight(x, 7) ^ BitOperations.RotateRight(x, 18) ^ (x >> 3);

    private static uint SmallSigma1(uint x) => BitOperations.RotateRight(x, 17) ^ BitOperations.RotateRight(x, 19) ^ (x >> 10);
}
