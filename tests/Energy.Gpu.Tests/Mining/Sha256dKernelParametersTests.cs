using System.Buffers.Binary;
using System.Numerics;
using Energy.Gpu.Mining;

namespace Energy.Gpu.Tests.Mining;

public class Sha256dKernelParametersTests
{
    private static readonly uint[] RoundConstants =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    public static TheoryData<string, uint> Nonces => new()
    {
        { "genesis", KnownBlocks.GenesisNonce },
        { "genesis", 0 },
        { "genesis", uint.MaxValue },
        { "125552", KnownBlocks.Block125552Nonce },
        { "125552", 0x01020304 },
    };

    [Fact]
    public void Words_StartWithTheMidstateAndEndWithTheTargetsHighWord()
    {
        var midstate = Midstate.FromHeader(KnownBlocks.Block125552());
        var target = Target.FromDifficulty(1.0 / 65536);

        var parameters = Sha256dKernelParameters.Create(midstate, target);

        Assert.Equal(Sha256dKernelParameters.WordCount, parameters.Words.Length);
        Assert.Equal(midstate.State.ToArray(), parameters.Words[..8].ToArray());
        Assert.Equal(0x0000ffffu, parameters.TargetHighWord);
        Assert.Equal(target.HighWord, parameters.Words[^1]);
        Assert.Same(midstate, parameters.Midstate);
        Assert.Equal(target, parameters.Target);
    }

    [Fact]
    public void Words_DoNotDependOnTheHeadersNonce()
    {
        var a = Sha256dKernelParameters.FromHeader(KnownBlocks.Genesis(), Target.DifficultyOne);
        var b = Sha256dKernelParameters.FromHeader(KnownBlocks.Genesis().WithNonce(12345), Target.DifficultyOne);

        Assert.Equal(a.Words.ToArray(), b.Words.ToArray());
    }

    [Theory]
    [MemberData(nameof(Nonces))]
    public void Words_ResumedAtRoundFourWithTheNonce_GiveTheMidstatesFinalState(string block, uint nonce)
    {
        var header = block == "genesis" ? KnownBlocks.Genesis() : KnownBlocks.Block125552();
        var midstate = Midstate.FromHeader(header);
        var parameters = Sha256dKernelParameters.Create(midstate, header.Target);
        Span<uint> expected = stackalloc uint[8];
        midstate.HashNonce(nonce, expected);

        var actual = ResumeFromWords(parameters.Words, nonce);

        Assert.Equal(expected.ToArray(), actual);
    }

    /// <summary>
    /// The kernel's use of the words, written plainly: C1 from round 4 with the message schedule
    /// rebuilt from W16..W19, then C2 as a full compression.
    /// </summary>
    private static uint[] ResumeFromWords(ReadOnlySpan<uint> p, uint nonce)
    {
        unchecked
        {
            var w3 = BinaryPrimitives.ReverseEndianness(nonce);
            var w = new uint[64];
            w[3] = w3;
            w[4] = 0x80000000;
            w[15] = 640;
            w[16] = p[18];
            w[17] = p[19];
            w[18] = p[20] + SmallSigma0(w3);
            w[19] = p[21] + w3;
            for (var t = 20; t < 64; t++)
            {
                w[t] = SmallSigma1(w[t - 2]) + w[t - 7] + SmallSigma0(w[t - 15]) + w[t - 16];
            }

            // State after round 3; h is only reached through p4..p6 (h + K + W of rounds 4..6).
            uint a = p[8] + w3, b = p[10], c = p[11], d = p[12], e = p[9] + w3, f = p[13], g = p[14], h = 0;
            for (var t = 4; t < 64; t++)
            {
                var hkw = t switch { 4 => p[15], 5 => p[16], 6 => p[17], _ => h + RoundConstants[t] + w[t] };
                var t1 = hkw + BigSigma1(e) + ((e & f) ^ (~e & g));
                var t2 = BigSigma0(a) + ((a & b) ^ (a & c) ^ (b & c));
                (h, g, f, e, d, c, b, a) = (g, f, e, d + t1, c, b, a, t1 + t2);
            }

            uint[] first = [p[0] + a, p[1] + b, p[2] + c, p[3] + d, p[4] + e, p[5] + f, p[6] + g, p[7] + h];
            Span<uint> message = stackalloc uint[16];
            message.Clear();
            first.CopyTo(message);
            message[8] = 0x80000000;
            message[15] = 256;
            var final = new uint[8];
            Sha256.Initialize(final);
            Sha256.Compress(final, message);
            return final;
        }
    }

    private static uint BigSigma0(uint x) => BitOperations.RotateRight(x, 2) ^ BitOperations.RotateRight(x, 13) ^ BitOperations.RotateRight(x, 22);

    private static uint BigSigma1(uint x) => BitOperations.RotateRight(x, 6) ^ BitOperations.RotateRight(x, 11) ^ BitOperations.RotateRight(x, 25);

    private static uint SmallSigma0(uint x) => BitOperations.RotateRight(x, 7) ^ BitOperations.RotateRight(x, 18) ^ (x >> 3);

    private static uint SmallSigma1(uint x) => BitOperations.RotateRight(x, 17) ^ BitOperations.RotateRight(x, 19) ^ (x >> 10);
}
