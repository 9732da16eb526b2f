/*
 * SHA-256d nonce search for Bitcoin block headers (FIPS 180-4 SHA-256, applied twice).
 *
 * Compiled at run time by NVRTC (--gpu-architecture=sm_90) and, for tests without a GPU, by a plain
 * C compiler through tests/Energy.Gpu.Tests/Kernels/cuda_shim.h. Only the CUDA built-ins that shim
 * provides are used here: __global__, __device__, blockIdx/blockDim/threadIdx, atomicAdd,
 * __funnelshift_r and __byte_perm.
 *
 * One nonce costs two compressions:
 *   C1: the header's second 64-byte block (words 16..18 of the header, the nonce, FIPS 180-4
 *       section 5.1.1 padding for 640 bits), starting from the midstate of the first block;
 *   C2: the 32-byte digest of C1 as one padded block, starting from the initial hash value.
 * Work moved out of the nonce loop (see Energy.Gpu/Mining/Sha256dKernelParameters.cs, which
 * computes the word arguments on the host):
 *   - C1 rounds 0..2 read only the tail words W0..W2: the host runs them, and round 3 up to the
 *     point where W3 (the nonce) is added. The kernel starts at round 3's last two additions.
 *   - h + K + W of C1 rounds 4..6 is nonce-independent (p4, p5, p6).
 *   - C1's W16, W17 are fixed; W18 and W19 are fixed except for ssig0(W3) and W3.
 *   - C1's W4..W15 and C2's W8..W15 are padding constants: they are written as literals below so
 *     the schedule terms they feed fold away (ssig0(0) = ssig1(0) = 0, K + W becomes one constant).
 *   - C2's round 0 starts from the initial hash value: all of it but W0 is one constant.
 *   - Only the last state word of the final hash is computed (see the end of the loop).
 * A nonce is reported when the top 32 bits of the hash read as a little-endian 256-bit number
 * (H7 byte-swapped) are <= target_high. That is necessary for hash <= target, so no real hit is
 * missed; the host re-checks every candidate with the full double hash and drops the rest.
 */

#define SHA256D_WORD_ARGUMENTS 23

/* Rotate right on the funnel shifter: one SHF per rotate on sm_32 and later. */
#define SHA256D_ROTR(x, n) __funnelshift_r((x), (x), (n))
/* Byte swap as one PRMT: result byte i takes source byte 3 - i. */
#define SHA256D_BSWAP(x) __byte_perm((x), 0u, 0x0123u)

/* FIPS 180-4 section 4.1.2 (RFC 6234 names: BSIG0/1 on the state, SSIG0/1 on the schedule). */
#define SHA256D_BSIG0(x) (SHA256D_ROTR(x, 2) ^ SHA256D_ROTR(x, 13) ^ SHA256D_ROTR(x, 22))
#define SHA256D_BSIG1(x) (SHA256D_ROTR(x, 6) ^ SHA256D_ROTR(x, 11) ^ SHA256D_ROTR(x, 25))
#define SHA256D_SSIG0(x) (SHA256D_ROTR(x, 7) ^ SHA256D_ROTR(x, 18) ^ ((x) >> 3))
#define SHA256D_SSIG1(x) (SHA256D_ROTR(x, 17) ^ SHA256D_ROTR(x, 19) ^ ((x) >> 10))
/* Ch and Maj in forms that map onto one LOP3 each. */
#define SHA256D_CH(e, f, g) ((g) ^ ((e) & ((f) ^ (g))))
#define SHA256D_MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))

/* FIPS 180-4 section 4.2.2 round constants, as immediates. */
#define SHA256D_K0 0x428a2f98u
#define SHA256D_K1 0x71374491u
#define SHA256D_K2 0xb5c0fbcfu
#define SHA256D_K3 0xe9b5dba5u
#define SHA256D_K4 0x3956c25bu
#define SHA256D_K5 0x59f111f1u
#define SHA256D_K6 0x923f82a4u
#define SHA256D_K7 0xab1c5ed5u
#define SHA256D_K8 0xd807aa98u
#define SHA256D_K9 0x12835b01u
#define SHA256D_K10 0x243185beu
#define SHA256D_K11 0x550c7dc3u
#define SHA256D_K12 0x72be5d74u
#define SHA256D_K13 0x80deb1feu
#define SHA256D_K14 0x9bdc06a7u
#define SHA256D_K15 0xc19bf174u
#define SHA256D_K16 0xe49b69c1u
#define SHA256D_K17 0xefbe4786u
#define SHA256D_K18 0x0fc19dc6u
#define SHA256D_K19 0x240ca1ccu
#define SHA256D_K20 0x2de92c6fu
#define SHA256D_K21 0x4a7484aau
#define SHA256D_K22 0x5cb0a9dcu
#define SHA256D_K23 0x76f988dau
#define SHA256D_K24 0x983e5152u
#define SHA256D_K25 0xa831c66du
#define SHA256D_K26 0xb00327c8u
#define SHA256D_K27 0xbf597fc7u
#define SHA256D_K28 0xc6e00bf3u
#define SHA256D_K29 0xd5a79147u
#define SHA256D_K30 0x06ca6351u
#define SHA256D_K31 0x14292967u
#define SHA256D_K32 0x27b70a85u
#define SHA256D_K33 0x2e1b2138u
#define SHA256D_K34 0x4d2c6dfcu
#define SHA256D_K35 0x53380d13u
#define SHA256D_K36 0x650a7354u
#define SHA256D_K37 0x766a0abbu
#define SHA256D_K38 0x81c2c92eu
#define SHA256D_K39 0x92722c85u
#define SHA256D_K40 0xa2bfe8a1u
#define SHA256D_K41 0xa81a664bu
#define SHA256D_K42 0xc24b8b70u
#define SHA256D_K43 0xc76c51a3u
#define SHA256D_K44 0xd192e819u
#define SHA256D_K45 0xd6990624u
#define SHA256D_K46 0xf40e3585u
#define SHA256D_K47 0x106aa070u
#define SHA256D_K48 0x19a4c116u
#define SHA256D_K49 0x1e376c08u
#define SHA256D_K50 0x2748774cu
#define SHA256D_K51 0x34b0bcb5u
#define SHA256D_K52 0x391c0cb3u
#define SHA256D_K53 0x4ed8aa4au
#define SHA256D_K54 0x5b9cca4fu
#define SHA256D_K55 0x682e6ff3u
#define SHA256D_K56 0x748f82eeu
#define SHA256D_K57 0x78a5636fu
#define SHA256D_K58 0x84c87814u
#define SHA256D_K59 0x8cc70208u
#define SHA256D_K60 0x90befffau
#define SHA256D_K61 0xa4506cebu
#define SHA256D_K62 0xbef9a3f7u
#define SHA256D_K63 0xc67178f2u

/*
 * Terms that are constant because of the padding, and C2's round 0 (its state is the initial hash
 * value and only W0 varies). They are written out because CUDA implements __funnelshift_r as
 * inline assembly, which the compiler does not fold.
 */
#define SHA256D_SSIG0_640 0x00a00055u /* ssig0(640): C1's W15 in W30 */
#define SHA256D_SSIG1_256 0x00a00000u /* ssig1(256): C2's W15 in W17 */
#define SHA256D_SSIG0_PAD 0x11002000u /* ssig0(0x80000000): C2's W8 in W23 */
#define SHA256D_SSIG0_256 0x00400022u /* ssig0(256): C2's W15 in W30 */
#define SHA256D_C2_A1 0xfc08884du     /* a after C2 round 0, less W0: T1 + T2 with IV, K0 */
#define SHA256D_C2_E1 0x98c7e2a2u     /* e after C2 round 0, less W0: IV3 + T1 */

/* FIPS 180-4 section 5.3.3 initial hash value, the start state of C2. */
#define SHA256D_IV0 0x6a09e667u
#define SHA256D_IV1 0xbb67ae85u
#define SHA256D_IV2 0x3c6ef372u
#define SHA256D_IV3 0xa54ff53au
#define SHA256D_IV4 0x510e527fu
#define SHA256D_IV5 0x9b05688cu
#define SHA256D_IV6 0x1f83d9abu
#define SHA256D_IV7 0x5be0cd19u

/*
 * One round (FIPS 180-4 section 6.2.2 step 3) with h + K[t] + W[t] already summed in hkw. Instead of
 * shifting eight registers, the caller rotates the argument names: d becomes the new e, h the new a.
 */
#define SHA256D_ROUND_HKW(a, b, c, d, e, f, g, h, hkw)                                              \
    do {                                                                                           \
        const unsigned int t1_ = (hkw) + SHA256D_BSIG1(e) + SHA256D_CH(e, f, g);                  \
        (d) += t1_;                                                                                \
        (h) = t1_ + SHA256D_BSIG0(a) + SHA256D_MAJ(a, b, c);                                       \
    } while (0)
#define SHA256D_ROUND(a, b, c, d, e, f, g, h, kw) SHA256D_ROUND_HKW(a, b, c, d, e, f, g, h, (h) + (kw))

/* The schedule kept as a rolling window of 16 words; indices are compile-time constants. */
#define SHA256D_W(t) w[(t) & 15]
#define SHA256D_SCHEDULE(t)                                                                        \
    (SHA256D_W(t) += SHA256D_SSIG1(SHA256D_W((t) - 2)) + SHA256D_W((t) - 7) + SHA256D_SSIG0(SHA256D_W((t) - 15)))
#define SHA256D_ROUND_S(a, b, c, d, e, f, g, h, t)                                                 \
    do {                                                                                           \
        SHA256D_SCHEDULE(t);                                                                       \
        SHA256D_ROUND(a, b, c, d, e, f, g, h, SHA256D_K##t + SHA256D_W(t));                        \
    } while (0)
/* A round whose new a is never read: only e = d + T1 is computed (see the end of C2). */
#define SHA256D_ROUND_SE(a, b, c, d, e, f, g, h, t)                                                \
    do {                                                                                           \
        SHA256D_SCHEDULE(t);                                                                       \
        (d) += (h) + SHA256D_K##t + SHA256D_W(t) + SHA256D_BSIG1(e) + SHA256D_CH(e, f, g);         \
    } while (0)

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Searches nonces first_nonce .. last_nonce (inclusive, first_nonce <= last_nonce). Thread i of the
 * grid (blockIdx.x * blockDim.x + threadIdx.x) takes the nonces_per_thread nonces that start at
 * first_nonce + i * nonces_per_thread; threads past last_nonce do nothing, so the grid may overhang.
 * out[0] counts candidates (it may end above out_capacity); out[1 .. out_capacity] holds the first
 * out_capacity of them, in no particular order. The host zeroes out[0] before a launch.
 *
 * m0..m7       midstate: SHA-256 state after the header's first block (C1's feed-forward)
 * a4_base      a after C1 round 3, less W3: T1(round 3) - W3 + T2(round 3)
 * e4_base      e after C1 round 3, less W3: d3 + T1(round 3) - W3
 * a3, b3, c3   a, b, c before round 3 (b, c, d after it)
 * e3, f3       e, f before round 3 (f, g after it)
 * p4, p5, p6   h + K[t] + W[t] of rounds 4, 5, 6: g3 + K4 + 0x80000000, f3 + K5, e3 + K6
 * w16, w17     C1's W16, W17
 * w18_base     C1's W18 less ssig0(W3): ssig1(W16) + W2
 * w19_base     C1's W19 less W3: ssig1(W17) + ssig0(0x80000000)
 * target_high  the target's top 32 bits (Target.HighWord)
 */
__global__ void sha256d_search(
    unsigned int m0, unsigned int m1, unsigned int m2, unsigned int m3,
    unsigned int m4, unsigned int m5, unsigned int m6, unsigned int m7,
    unsigned int a4_base, unsigned int e4_base,
    unsigned int a3, unsigned int b3, unsigned int c3, unsigned int e3, unsigned int f3,
    unsigned int p4, unsigned int p5, unsigned int p6,
    unsigned int w16, unsigned int w17, unsigned int w18_base, unsigned int w19_base,
    unsigned int target_high,
    unsigned int first_nonce, unsigned int last_nonce, unsigned int nonces_per_thread,
    unsigned int* out, unsigned int out_capacity)
{
    /* 64-bit so that a grid covering all 2^32 nonces cannot wrap. */
    const unsigned long long thread = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;
    const unsigned long long offset = thread * nonces_per_thread;
    const unsigned long long span = (unsigned long long)(last_nonce - first_nonce);
    if (offset > span) {
        return;
    }

    const unsigned long long left = span - offset + 1ull;
    const unsigned int count = left < nonces_per_thread ? (unsigned int)left : nonces_per_thread;
    unsigned int nonce = first_nonce + (unsigned int)offset;
    for (unsigned int i = 0; i < count; ++i, ++nonce) {
        unsigned int w[16];
        /* The header stores the nonce little-endian; SHA-256 reads its words big-endian. */
        const unsigned int w3 = SHA256D_BSWAP(nonce);

        /* C1's W16..W31 with the zero padding words W5..W14 left out and W4, W15 as literals. */
        SHA256D_W(16) = w16;
        SHA256D_W(17) = w17;
        SHA256D_W(18) = w18_base + SHA256D_SSIG0(w3);
        SHA256D_W(19) = w19_base + w3;
        SHA256D_W(20) = SHA256D_SSIG1(SHA256D_W(18)) + 0x80000000u;
        SHA256D_W(21) = SHA256D_SSIG1(SHA256D_W(19));
        SHA256D_W(22) = SHA256D_SSIG1(SHA256D_W(20)) + 640u;
        SHA256D_W(23) = SHA256D_SSIG1(SHA256D_W(21)) + SHA256D_W(16);
        SHA256D_W(24) = SHA256D_SSIG1(SHA256D_W(22)) + SHA256D_W(17);
        SHA256D_W(25) = SHA256D_SSIG1(SHA256D_W(23)) + SHA256D_W(18);
        SHA256D_W(26) = SHA256D_SSIG1(SHA256D_W(24)) + SHA256D_W(19);
        SHA256D_W(27) = SHA256D_SSIG1(SHA256D_W(25)) + SHA256D_W(20);
        SHA256D_W(28) = SHA256D_SSIG1(SHA256D_W(26)) + SHA256D_W(21);
        SHA256D_W(29) = SHA256D_SSIG1(SHA256D_W(27)) + SHA256D_W(22);
        SHA256D_W(30) = SHA256D_SSIG1(SHA256D_W(28)) + SHA256D_W(23) + SHA256D_SSIG0_640;
        SHA256D_W(31) = SHA256D_SSIG1(SHA256D_W(29)) + SHA256D_W(24) + SHA256D_SSIG0(SHA256D_W(16)) + 640u;

        /* C1 from the end of round 3: only a and e depend on the nonce. h is first written by round 4. */
        unsigned int a = a4_base + w3, b = a3, c = b3, d = c3;
        unsigned int e = e4_base + w3, f = e3, g = f3, h;
        SHA256D_ROUND_HKW(a, b, c, d, e, f, g, h, p4);
        SHA256D_ROUND_HKW(h, a, b, c, d, e, f, g, p5);
        SHA256D_ROUND_HKW(g, h, a, b, c, d, e, f, p6);
        SHA256D_ROUND(f, g, h, a, b, c, d, e, SHA256D_K7);
        SHA256D_ROUND(e, f, g, h, a, b, c, d, SHA256D_K8);
        SHA256D_ROUND(d, e, f, g, h, a, b, c, SHA256D_K9);
        SHA256D_ROUND(c, d, e, f, g, h, a, b, SHA256D_K10);
        SHA256D_ROUND(b, c, d, e, f, g, h, a, SHA256D_K11);
        SHA256D_ROUND(a, b, c, d, e, f, g, h, SHA256D_K12);
        SHA256D_ROUND(h, a, b, c, d, e, f, g, SHA256D_K13);
        SHA256D_ROUND(g, h, a, b, c, d, e, f, SHA256D_K14);
        SHA256D_ROUND(f, g, h, a, b, c, d, e, SHA256D_K15 + 640u);
        SHA256D_ROUND(e, f, g, h, a, b, c, d, SHA256D_K16 + SHA256D_W(16));
        SHA256D_ROUND(d, e, f, g, h, a, b, c, SHA256D_K17 + SHA256D_W(17));
        SHA256D_ROUND(c, d, e, f, g, h, a, b, SHA256D_K18 + SHA256D_W(18));
        SHA256D_ROUND(b, c, d, e, f, g, h, a, SHA256D_K19 + SHA256D_W(19));
        SHA256D_ROUND(a, b, c, d, e, f, g, h, SHA256D_K20 + SHA256D_W(20));
        SHA256D_ROUND(h, a, b, c, d, e, f, g, SHA256D_K21 + SHA256D_W(21));
        SHA256D_ROUND(g, h, a, b, c, d, e, f, SHA256D_K22 + SHA256D_W(22));
        SHA256D_ROUND(f, g, h, a, b, c, d, e, SHA256D_K23 + SHA256D_W(23));
        SHA256D_ROUND(e, f, g, h, a, b, c, d, SHA256D_K24 + SHA256D_W(24));
        SHA256D_ROUND(d, e, f, g, h, a, b, c, SHA256D_K25 + SHA256D_W(25));
        SHA256D_ROUND(c, d, e, f, g, h, a, b, SHA256D_K26 + SHA256D_W(26));
        SHA256D_ROUND(b, c, d, e, f, g, h, a, SHA256D_K27 + SHA256D_W(27));
        SHA256D_ROUND(a, b, c, d, e, f, g, h, SHA256D_K28 + SHA256D_W(28));
        SHA256D_ROUND(h, a, b, c, d, e, f, g, SHA256D_K29 + SHA256D_W(29));
        SHA256D_ROUND(g, h, a, b, c, d, e, f, SHA256D_K30 + SHA256D_W(30));
        SHA256D_ROUND(f, g, h, a, b, c, d, e, SHA256D_K31 + SHA256D_W(31));
        SHA256D_ROUND_S(e, f, g, h, a, b, c, d, 32);
        SHA256D_ROUND_S(d, e, f, g, h, a, b, c, 33);
        SHA256D_ROUND_S(c, d, e, f, g, h, a, b, 34);
        SHA256D_ROUND_S(b, c, d, e, f, g, h, a, 35);
        SHA256D_ROUND_S(a, b, c, d, e, f, g, h, 36);
        SHA256D_ROUND_S(h, a, b, c, d, e, f, g, 37);
        SHA256D_ROUND_S(g, h, a, b, c, d, e, f, 38);
        SHA256D_ROUND_S(f, g, h, a, b, c, d, e, 39);
        SHA256D_ROUND_S(e, f, g, h, a, b, c, d, 40);
        SHA256D_ROUND_S(d, e, f, g, h, a, b, c, 41);
        SHA256D_ROUND_S(c, d, e, f, g, h, a, b, 42);
        SHA256D_ROUND_S(b, c, d, e, f, g, h, a, 43);
        SHA256D_ROUND_S(a, b, c, d, e, f, g, h, 44);
        SHA256D_ROUND_S(h, a, b, c, d, e, f, g, 45);
        SHA256D_ROUND_S(g, h, a, b, c, d, e, f, 46);
        SHA256D_ROUND_S(f, g, h, a, b, c, d, e, 47);
        SHA256D_ROUND_S(e, f, g, h, a, b, c, d, 48);
        SHA256D_ROUND_S(d, e, f, g, h, a, b, c, 49);
        SHA256D_ROUND_S(c, d, e, f, g, h, a, b, 50);
        SHA256D_ROUND_S(b, c, d, e, f, g, h, a, 51);
        SHA256D_ROUND_S(a, b, c, d, e, f, g, h, 52);
        SHA256D_ROUND_S(h, a, b, c, d, e, f, g, 53);
        SHA256D_ROUND_S(g, h, a, b, c, d, e, f, 54);
        SHA256D_ROUND_S(f, g, h, a, b, c, d, e, 55);
        SHA256D_ROUND_S(e, f, g, h, a, b, c, d, 56);
        SHA256D_ROUND_S(d, e, f, g, h, a, b, c, 57);
        SHA256D_ROUND_S(c, d, e, f, g, h, a, b, 58);
        SHA256D_ROUND_S(b, c, d, e, f, g, h, a, 59);
        SHA256D_ROUND_S(a, b, c, d, e, f, g, h, 60);
        SHA256D_ROUND_S(h, a, b, c, d, e, f, g, 61);
        SHA256D_ROUND_S(g, h, a, b, c, d, e, f, 62);
        SHA256D_ROUND_S(f, g, h, a, b, c, d, e, 63);

        /* Feed-forward (FIPS 180-4 section 6.2.2 step 4): C1's digest words are C2's message words W0..W7. */
        SHA256D_W(0) = m0 + e;
        SHA256D_W(1) = m1 + f;
        SHA256D_W(2) = m2 + g;
        SHA256D_W(3) = m3 + h;
        SHA256D_W(4) = m4 + a;
        SHA256D_W(5) = m5 + b;
        SHA256D_W(6) = m6 + c;
        SHA256D_W(7) = m7 + d;

        /*
         * C2 from the end of round 0 (positions a..h = h, a, b, c, d, e, f, g). W8 = 0x80000000,
         * W9..W14 = 0 and W15 = 256 (a 32-byte message) are literals.
         */
        h = SHA256D_C2_A1 + SHA256D_W(0); a = SHA256D_IV0; b = SHA256D_IV1; c = SHA256D_IV2;
        d = SHA256D_C2_E1 + SHA256D_W(0); e = SHA256D_IV4; f = SHA256D_IV5; g = SHA256D_IV6;
        SHA256D_ROUND(h, a, b, c, d, e, f, g, SHA256D_K1 + SHA256D_W(1));
        SHA256D_ROUND(g, h, a, b, c, d, e, f, SHA256D_K2 + SHA256D_W(2));
        SHA256D_ROUND(f, g, h, a, b, c, d, e, SHA256D_K3 + SHA256D_W(3));
        SHA256D_ROUND(e, f, g, h, a, b, c, d, SHA256D_K4 + SHA256D_W(4));
        SHA256D_ROUND(d, e, f, g, h, a, b, c, SHA256D_K5 + SHA256D_W(5));
        SHA256D_ROUND(c, d, e, f, g, h, a, b, SHA256D_K6 + SHA256D_W(6));
        SHA256D_ROUND(b, c, d, e, f, g, h, a, SHA256D_K7 + SHA256D_W(7));
        SHA256D_ROUND(a, b, c, d, e, f, g, h, SHA256D_K8 + 0x80000000u);
        SHA256D_ROUND(h, a, b, c, d, e, f, g, SHA256D_K9);
        SHA256D_ROUND(g, h, a, b, c, d, e, f, SHA256D_K10);
        SHA256D_ROUND(f, g, h, a, b, c, d, e, SHA256D_K11);
        SHA256D_ROUND(e, f, g, h, a, b, c, d, SHA256D_K12);
        SHA256D_ROUND(d, e, f, g, h, a, b, c, SHA256D_K13);
        SHA256D_ROUND(c, d, e, f, g, h, a, b, SHA256D_K14);
        SHA256D_ROUND(b, c, d, e, f, g, h, a, SHA256D_K15 + 256u);

        /* C2's W16..W31: each line overwrites the slot of the word 16 back, which nothing reads later. */
        SHA256D_W(16) = SHA256D_SSIG0(SHA256D_W(1)) + SHA256D_W(0);
        SHA256D_W(17) = SHA256D_SSIG1_256 + SHA256D_SSIG0(SHA256D_W(2)) + SHA256D_W(1);
        SHA256D_W(18) = SHA256D_SSIG1(SHA256D_W(16)) + SHA256D_SSIG0(SHA256D_W(3)) + SHA256D_W(2);
        SHA256D_W(19) = SHA256D_SSIG1(SHA256D_W(17)) + SHA256D_SSIG0(SHA256D_W(4)) + SHA256D_W(3);
        SHA256D_W(20) = SHA256D_SSIG1(SHA256D_W(18)) + SHA256D_SSIG0(SHA256D_W(5)) + SHA256D_W(4);
        SHA256D_W(21) = SHA256D_SSIG1(SHA256D_W(19)) + SHA256D_SSIG0(SHA256D_W(6)) + SHA256D_W(5);
        SHA256D_W(22) = SHA256D_SSIG1(SHA256D_W(20)) + 256u + SHA256D_SSIG0(SHA256D_W(7)) + SHA256D_W(6);
        SHA256D_W(23) = SHA256D_SSIG1(SHA256D_W(21)) + SHA256D_W(16) + SHA256D_SSIG0_PAD + SHA256D_W(7);
        SHA256D_W(24) = SHA256D_SSIG1(SHA256D_W(22)) + SHA256D_W(17) + 0x80000000u;
        SHA256D_W(25) = SHA256D_SSIG1(SHA256D_W(23)) + SHA256D_W(18);
        SHA256D_W(26) = SHA256D_SSIG1(SHA256D_W(24)) + SHA256D_W(19);
        SHA256D_W(27) = SHA256D_SSIG1(SHA256D_W(25)) + SHA256D_W(20);
        SHA256D_W(28) = SHA256D_SSIG1(SHA256D_W(26)) + SHA256D_W(21);
        SHA256D_W(29) = SHA256D_SSIG1(SHA256D_W(27)) + SHA256D_W(22);
        SHA256D_W(30) = SHA256D_SSIG1(SHA256D_W(28)) + SHA256D_W(23) + SHA256D_SSIG0_256;
        SHA256D_W(31) = SHA256D_SSIG1(SHA256D_W(29)) + SHA256D_W(24) + SHA256D_SSIG0(SHA256D_W(16)) + 256u;

        /*
         * Early exit. With s_t = (a_t .. h_t) the state before round t, the final H7 is
         * IV7 + h_64, and h_64 = g_63 = f_62 = e_61 = d_60 + T1_60. So round 60 is needed only for
         * e, rounds 61..63 (and W61..W63) not at all. d_60 = a_57 comes from round 56, and
         * e_58..e_60 (round 60's f, g, e; e_57 is its h) from rounds 57..59. a_58..a_60 would only
         * feed rounds 61..63, so rounds 57..59 skip T2 = bsig0(a) + Maj(a, b, c) and the new a.
         */
        SHA256D_ROUND(a, b, c, d, e, f, g, h, SHA256D_K16 + SHA256D_W(16));
        SHA256D_ROUND(h, a, b, c, d, e, f, g, SHA256D_K17 + SHA256D_W(17));
        SHA256D_ROUND(g, h, a, b, c, d, e, f, SHA256D_K18 + SHA256D_W(18));
        SHA256D_ROUND(f, g, h, a, b, c, d, e, SHA256D_K19 + SHA256D_W(19));
        SHA256D_ROUND(e, f, g, h, a, b, c, d, SHA256D_K20 + SHA256D_W(20));
        SHA256D_ROUND(d, e, f, g, h, a, b, c, SHA256D_K21 + SHA256D_W(21));
        SHA256D_ROUND(c, d, e, f, g, h, a, b, SHA256D_K22 + SHA256D_W(22));
        SHA256D_ROUND(b, c, d, e, f, g, h, a, SHA256D_K23 + SHA256D_W(23));
        SHA256D_ROUND(a, b, c, d, e, f, g, h, SHA256D_K24 + SHA256D_W(24));
        SHA256D_ROUND(h, a, b, c, d, e, f, g, SHA256D_K25 + SHA256D_W(25));
        SHA256D_ROUND(g, h, a, b, c, d, e, f, SHA256D_K26 + SHA256D_W(26));
        SHA256D_ROUND(f, g, h, a, b, c, d, e, SHA256D_K27 + SHA256D_W(27));
        SHA256D_ROUND(e, f, g, h, a, b, c, d, SHA256D_K28 + SHA256D_W(28));
        SHA256D_ROUND(d, e, f, g, h, a, b, c, SHA256D_K29 + SHA256D_W(29));
        SHA256D_ROUND(c, d, e, f, g, h, a, b, SHA256D_K30 + SHA256D_W(30));
        SHA256D_ROUND(b, c, d, e, f, g, h, a, SHA256D_K31 + SHA256D_W(31));
        SHA256D_ROUND_S(a, b, c, d, e, f, g, h, 32);
        SHA256D_ROUND_S(h, a, b, c, d, e, f, g, 33);
        SHA256D_ROUND_S(g, h, a, b, c, d, e, f, 34);
        SHA256D_ROUND_S(f, g, h, a, b, c, d, e, 35);
        SHA256D_ROUND_S(e, f, g, h, a, b, c, d, 36);
        SHA256D_ROUND_S(d, e, f, g, h, a, b, c, 37);
        SHA256D_ROUND_S(c, d, e, f, g, h, a, b, 38);
        SHA256D_ROUND_S(b, c, d, e, f, g, h, a, 39);
        SHA256D_ROUND_S(a, b, c, d, e, f, g, h, 40);
        SHA256D_ROUND_S(h, a, b, c, d, e, f, g, 41);
        SHA256D_ROUND_S(g, h, a, b, c, d, e, f, 42);
        SHA256D_ROUND_S(f, g, h, a, b, c, d, e, 43);
        SHA256D_ROUND_S(e, f, g, h, a, b, c, d, 44);
        SHA256D_ROUND_S(d, e, f, g, h, a, b, c, 45);
        SHA256D_ROUND_S(c, d, e, f, g, h, a, b, 46);
        SHA256D_ROUND_S(b, c, d, e, f, g, h, a, 47);
        SHA256D_ROUND_S(a, b, c, d, e, f, g, h, 48);
        SHA256D_ROUND_S(h, a, b, c, d, e, f, g, 49);
        SHA256D_ROUND_S(g, h, a, b, c, d, e, f, 50);
        SHA256D_ROUND_S(f, g, h, a, b, c, d, e, 51);
        SHA256D_ROUND_S(e, f, g, h, a, b, c, d, 52);
        SHA256D_ROUND_S(d, e, f, g, h, a, b, c, 53);
        SHA256D_ROUND_S(c, d, e, f, g, h, a, b, 54);
        SHA256D_ROUND_S(b, c, d, e, f, g, h, a, 55);
        SHA256D_ROUND_S(a, b, c, d, e, f, g, h, 56);
        SHA256D_ROUND_SE(h, a, b, c, d, e, f, g, 57);
        SHA256D_ROUND_SE(g, h, a, b, c, d, e, f, 58);
        SHA256D_ROUND_SE(f, g, h, a, b, c, d, e, 59);
        SHA256D_SCHEDULE(60);
        /* Round 60 (positions a..h = e, f, g, h, a, b, c, d): H7 = IV7 + d + T1, IV7 + K60 folded. */
        const unsigned int h7 = h + d + SHA256D_BSIG1(a) + SHA256D_CH(a, b, c) + SHA256D_W(60) + (SHA256D_K60 + SHA256D_IV7);

        /* Hash bytes 28..31 are H7 big-endian; as a little-endian number they are its top 32 bits. */
        if (SHA256D_BSWAP(h7) <= target_high) {
            const unsigned int slot = atomicAdd(&out[0], 1u);
            if (slot < out_capacity) {
                out[1 + slot] = nonce;
            }
        }
    }
}

#ifdef __cplusplus
}
#endif
