/*
 * HeatGrid proof of useful work, format hgpouw/1 (docs/pouw.md): the seeded low-rank noise, the int8
 * tensor-core GEMM with the tile transcript and lottery, and the denoising back to C = A*W^T.
 *
 * Compiled at run time by NVRTC (sm_80 and later: mma.sync m16n8k32 s8) and, for tests without a
 * GPU, by a plain C compiler through tests/Energy.Gpu.Tests/Kernels/cuda_warp_shim.h, which runs a
 * block's threads as coroutines so that __syncthreads, __shfl_xor_sync and the warp-wide MMA are
 * exact. The only CUDA used here is what that shim provides: __global__/__device__/__shared__/
 * __constant__/__align__, blockIdx/blockDim/threadIdx, __syncthreads, __syncwarp, __shfl_xor_sync, atomicAdd,
 * uint4, #pragma unroll (the CPU build passes -Wno-unknown-pragmas), and pouw_mma_m16n8k32 (inline
 * PTX here, replaced by the shim when it defines POUW_SHIM_MMA). Everything else is plain C.
 *
 * Kernels, in the order a miner runs them (all matrices row-major, int8 operands, int32 products):
 *   pouw_noise     X' = X + L*Q for one operand (A with seedE, W with seedF).
 *   pouw_project   U = A*Q_F^T beside L_E, and L_F beside V = W'*Q_E^T, as int8 MMAs, stored as signed
 *                  8-bit planes (the plane rows pouw_mine's epilogue reads).
 *   pouw_mine      C = A'*W'^T - U*L_F^T - L_E*V^T: the noisy GEMM with the transcript of every 16x16 hash
 *                  tile (winners appended), then the denoising fused on the tensor cores; C written once
 *                  (and C' too when asked).
 * Launch geometry (the host uses these macros' values; see each kernel's comment):
 *   pouw_noise     block POUW_NOISE_THREADS,   grid (ceil(k / POUW_NOISE_COLS), ceil(rows / POUW_NOISE_ROWS))
 *   pouw_project   block POUW_PROJECT_THREADS, grid (ceil(rows / POUW_PROJECT_ROWS))
 *   pouw_mine      block POUW_MINE_THREADS,    grid (ceil(n / POUW_BLOCK_N), ceil(m / POUW_BLOCK_M))
 *
 * Word conventions of the arguments:
 *   seeds           the 32-byte seed as u32le words s0..s7; the noise uses s0..s3 only.
 *   key_and_target  16 words: [0..7] ticketKey as u32le words (T0 = [0], T1 = [1]); [8..15] the
 *                   target as big-endian words, [8] the most significant (bytes 0..3 of the target
 *                   read big-endian), so it compares word by word with the SHA-256 state words.
 *   winners         [0] counts winning tiles (may end above capacity; the host zeroes it); entry i
 *                   (i < capacity) is words [1 + 10i ..]: ti, tj, then the tile hash as the eight
 *                   SHA-256 state words H0..H7 (big-endian words: byte 0 of the hash is H0 >> 24).
 *   digests         optional (may be null): every tile's D_1..D_K, tile (ti, tj) at
 *                   [(ti * (n / 16) + tj) * K], K = k / chunk.
 *
 * Shapes the host guarantees (docs/pouw.md bounds): m, n multiples of 16; k a multiple of 32; chunk a
 * multiple of 32 dividing k; 1 <= r <= 64; operands within [-(128 - r), 127 - r], so the noisy
 * operands are int8 (pouw_noise does not check it: the host's reference and the verifier do). All
 * int32 sums wrap mod 2^32 (computed unsigned), which is exact for every product that fits int32.
 */

/*
 * Performance: what is here, and what is not yet (nothing below has been measured on a GPU; the
 * figures are operation counts, not timings).
 *   Here: pouw_mine shares each block's A' and W' rows through shared memory (16-byte loads, rows
 *   padded so fragment loads are conflict-free), two MMAs per warp per 32-step of k, the transcript
 *   point in registers (per accumulator: one add, one xor, mix32, one add; then 5 shuffles), and the
 *   tile's SHA-256 streamed by lane 0 (one compression per 16 points plus two), so the plain build
 *   and the transcript build differ only by that epilogue per point and the fused denoising.
 *   The projections and the denoising are on the tensor cores, exact:
 *   - pouw_project: (m + n)*k*r multiply-adds as m16n8k32 s8 MMAs (Q made from the seed words in shared
 *     memory, one noise word per 16 entries), r/n + r/m of the GEMM's multiply-adds (1.6 % at
 *     n = m = 8192, r = 64), on the same units; it writes (m + n)*P*POUW_PLANE_WIDTH(r) bytes (6 MiB).
 *     Its grid is only rows/64 blocks (128 at 8192, about one per SM), each walking all of k: likely
 *     latency-bound rather than MMA-bound; if projectMs shows it, split k over blocks (partial sums
 *     then a small pass making the digits) or give a block fewer rows.
 *   - the fused denoising in pouw_mine: per 32x32 block, P planes of (32 + 32)*POUW_PLANE_WIDTH(r) bytes
 *     staged (P*W/k of the k-loop's staging traffic) and P*W/32 k-steps of the same two MMAs per warp,
 *     W = POUW_PLANE_WIDTH(r) = 2r rounded up to 32: P*2r/k of the GEMM's MMAs, 6r/k = 4.7 % at
 *     k = 8192, r = 64 (P = 3), plus 8 shifts per lane per plane and 8 subtractions at the end. C' never leaves the
 *     registers: the old pouw_denoise's 8-byte read-modify-write per output element (and its 2r
 *     CUDA-core multiply-adds per element) is gone.
 *   What is left of the overhead against the plain build (to be measured: heatgrid pouw bench):
 *   - the noise pass on A (pouw_noise): m*k bytes read and written once (a memory pass, 128 MiB at
 *     8192^2) and m*k*r CUDA-core multiply-adds (r/n of the GEMM's count, but on CUDA cores, far slower
 *     per operation than the int8 tensor cores: this is likely the largest remaining term). It could be
 *     an MMA too (X' = X + L*Q with the ternary L (m x r) and Q (r x k): inner dimension r), or fused into
 *     pouw_project, which already stages X and Q slab by slab (it would write A' while it reads A).
 *   - the transcript epilogue: k/chunk points per tile, each 8 mix32 per lane, 5 shuffles and lane 0's
 *     byte-wise SHA appends (warp divergence), 1/8 of a compression per point.
 *   - the fused denoising's P*2r/k; fewer planes where |U| and |V| allow: the planes the host asks for
 *     (CudaPouwKernelParameters.Planes) are the fewest that hold 128*k (|U| <= (128 - r)*k, |V| <= 128*k
 *     since |W'| <= 128): two at k <= 224, three up to k = 65,248, four above. A separate plane count
 *     for U (whose bound is (128 - r)*k) would not help: one MMA serves a plane of both. Folding L_E*V^T
 *     differently (L_E is ternary: V's planes are what costs) or making V once per job (it depends on
 *     seedE, so per header today) would need a protocol change.
 *   Not yet:
 *   - cp.async (sm_80) or TMA (sm_90) multi-stage staging instead of load, sync, compute, sync;
 *     ldmatrix for the fragments; a warp owning several 16x16 hash tiles (e.g. 64x64, 128x128 per
 *     block) so each fragment feeds more MMAs; wgmma on sm_90 (only the accumulator-to-element map
 *     e changes). One 16x16 tile per warp is far from cuBLAS: compare against the plain build.
 *   - Lane 0's byte-wise SHA appends diverge the warp once per point: the 53-byte prefix makes every
 *     D_c straddle two message words; funnel shifts on words, or all lanes running the compression
 *     with the message words fetched by __shfl_sync, would remove the divergence.
 *   - W' is made once per job (its seed depends only on the registration), A' per batch.
 */

/* The hash tile is 16x16 (tileH = tileW = 16): one warp, two m16n8k32 MMAs per 32-step of k. */
#define POUW_TILE 16
#define POUW_KSTEP 32

/* Set to 0 (-DPOUW_TRANSCRIPT=0) for the plain GEMM the bench compares against: same kernel, no transcript. */
#ifndef POUW_TRANSCRIPT
#define POUW_TRANSCRIPT 1
#endif

/* Warps per block of pouw_mine, as a POUW_WARPS_M x POUW_WARPS_N grid of hash tiles. */
#ifndef POUW_WARPS_M
#define POUW_WARPS_M 2
#endif
#ifndef POUW_WARPS_N
#define POUW_WARPS_N 2
#endif

#define POUW_BLOCK_M (POUW_TILE * POUW_WARPS_M)
#define POUW_BLOCK_N (POUW_TILE * POUW_WARPS_N)
#define POUW_MINE_WARPS (POUW_WARPS_M * POUW_WARPS_N)
#define POUW_MINE_THREADS (32 * POUW_MINE_WARPS)
/* k bytes staged in shared memory per pass (4 k-steps), and the padded row stride in 32-bit words:
 * 36 words make the 8 rows x 4 words a fragment load touches fall on 32 distinct banks. */
#define POUW_SLAB 128
#define POUW_SLAB_WORDS (POUW_SLAB / 4 + 4)

#define POUW_NOISE_COLS 128
#define POUW_NOISE_ROWS 32
#define POUW_NOISE_THREADS POUW_NOISE_COLS
#define POUW_MAX_RANK 64

/* pouw_project: a warp per 16 rows, all r columns (up to 8 n8 MMAs per 32-step of k). */
#define POUW_PROJECT_WARPS 4
#define POUW_PROJECT_ROWS 64
#define POUW_PROJECT_THREADS 128

/* Plane rows (see pouw_project): at most four planes, each row POUW_PLANE_WIDTH(rank) bytes, <= POUW_SLAB. */
#define POUW_MAX_PLANES 4
#define POUW_PLANE_WIDTH(rank) ((2u * (rank) + 31u) / 32u * 32u)

/* Winner entry: ti, tj, H0..H7. */
#define POUW_WINNER_WORDS 10

#define POUW_ELEMENT_STEP 0x9E3779B9u
#define POUW_POINT_STEP 0x85EBCA6Bu

#define POUW_ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* FIPS 180-4 section 4.2.2. */
__constant__ unsigned int pouw_sha_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

#ifndef POUW_SHIM_MMA
/* D += A*B for one m16n8k32 tile, s8 operands, s32 accumulators, in the PTX ISA's fragment layout
 * (groupID g = lane >> 2, t = lane & 3): a0 = A[g][4t..4t+3], a1 = A[g+8][4t..], a2 = A[g][16+4t..],
 * a3 = A[g+8][16+4t..]; b0 = B[4t..4t+3][g], b1 = B[16+4t..][g]; d[0], d[1] = D[g][2t], D[g][2t+1];
 * d[2], d[3] = D[g+8][2t], D[g+8][2t+1]. Bytes are packed low to high. */
__device__ __forceinline__ void pouw_mma_m16n8k32(int* d, unsigned int a0, unsigned int a1, unsigned int a2,
    unsigned int a3, unsigned int b0, unsigned int b1)
{
    asm volatile(
        "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
        : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
}
#endif

/* docs/pouw.md mix32 ("lowbias32"). */
__device__ __forceinline__ unsigned int pouw_mix32(unsigned int x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

/* The noise word holding factor entries 16*word_index .. 16*word_index + 15. */
__device__ __forceinline__ unsigned int pouw_noise_word(unsigned int key0, unsigned int key1, unsigned int word_index)
{
    return pouw_mix32(pouw_mix32(word_index ^ key0) + key1);
}

/* Entry b (0..15) of a noise word: ((w >> 2b) & 1) - ((w >> 2b+1) & 1), in {-1, 0, 1}. */
__device__ __forceinline__ int pouw_noise_entry(unsigned int word, unsigned int b)
{
    return (int)((word >> (2u * b)) & 1u) - (int)((word >> (2u * b + 1u)) & 1u);
}

/* Factor entry number f (row-major flat index) of the factor keyed by (key0, key1). */
__device__ __forceinline__ int pouw_factor_entry(unsigned int key0, unsigned int key1, unsigned int f)
{
    return pouw_noise_entry(pouw_noise_word(key0, key1, f >> 4), f & 15u);
}

/*
 * One plane digit of rest (the plane split, low plane first): d = the low byte of rest read as a signed
 * byte, in [-128, 127], and rest becomes (rest - d) / 256, exact (rest - d is a multiple of 256). A low
 * byte >= 0x80 gives a negative digit and carries one into the next plane. After P digits,
 * v = d_0 + 2^8 d_1 + ... + 2^(8(P-1)) d_(P-1) exactly when the remainder is 0, that is when
 * -128 * (256^P - 1) / 255 <= v <= 127 * (256^P - 1) / 255 (for |v| < 2^30, so rest - d never overflows).
 */
__device__ __forceinline__ int pouw_plane_digit(int* rest)
{
    const int digit = (int)(((unsigned int)*rest & 0xffu) ^ 0x80u) - 128;
    *rest = (*rest - digit) / 256;
    return digit;
}

/*
 * One 32-step of a warp's 16x16 tile from shared memory (rows padded to POUW_SLAB_WORDS words): A rows
 * a_rows[0..16), B rows b_rows[0..16) (B's rows are the output's columns), k bytes 32*s .. 32*s + 31;
 * two m16n8k32 MMAs into acc[0] (columns 0..7) and acc[1] (columns 8..15).
 */
__device__ __forceinline__ void pouw_tile_step(int (*acc)[4], const unsigned int* a_rows, const unsigned int* b_rows,
    unsigned int group, unsigned int quad, unsigned int s)
{
    const unsigned int* ar = a_rows + group * POUW_SLAB_WORDS + s * 8u + quad;
    const unsigned int a0 = ar[0], a1 = ar[8 * POUW_SLAB_WORDS], a2 = ar[4], a3 = ar[8 * POUW_SLAB_WORDS + 4];
#pragma unroll
    for (int h = 0; h < 2; ++h) {
        const unsigned int* br = b_rows + (8u * (unsigned int)h + group) * POUW_SLAB_WORDS + s * 8u + quad;
        pouw_mma_m16n8k32(acc[h], a0, a1, a2, a3, br[0], br[4]);
    }
}

/* One SHA-256 compression (FIPS 180-4 section 6.2.2) of the 64 bytes at block into state. */
__device__ void pouw_sha256_compress(unsigned int* state, const unsigned char* block)
{
    unsigned int w[16];
#pragma unroll
    for (int i = 0; i < 16; ++i) {
        w[i] = ((unsigned int)block[4 * i] << 24) | ((unsigned int)block[4 * i + 1] << 16)
            | ((unsigned int)block[4 * i + 2] << 8) | (unsigned int)block[4 * i + 3];
    }

    unsigned int a = state[0], b = state[1], c = state[2], d = state[3];
    unsigned int e = state[4], f = state[5], g = state[6], h = state[7];
#pragma unroll
    for (int t = 0; t < 64; ++t) {
        unsigned int wt;
        if (t < 16) {
            wt = w[t];
        } else {
            const unsigned int w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
            const unsigned int s0 = POUW_ROTR(w15, 7) ^ POUW_ROTR(w15, 18) ^ (w15 >> 3);
            const unsigned int s1 = POUW_ROTR(w2, 17) ^ POUW_ROTR(w2, 19) ^ (w2 >> 10);
            wt = w[t & 15] + s0 + w[(t - 7) & 15] + s1;
            w[t & 15] = wt;
        }

        const unsigned int t1 = h + (POUW_ROTR(e, 6) ^ POUW_ROTR(e, 11) ^ POUW_ROTR(e, 25))
            + (g ^ (e & (f ^ g))) + pouw_sha_k[t] + wt;
        const unsigned int t2 = (POUW_ROTR(a, 2) ^ POUW_ROTR(a, 13) ^ POUW_ROTR(a, 22))
            + ((a & b) | (c & (a | b)));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }

    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

/* Appends one byte to a streamed message (block buffer, bytes used in it); compresses a full block. */
__device__ __forceinline__ void pouw_sha256_byte(unsigned int* state, unsigned char* block, unsigned int* used, unsigned int byte)
{
    block[*used] = (unsigned char)byte;
    *used += 1u;
    if (*used == 64u) {
        pouw_sha256_compress(state, block);
        *used = 0u;
    }
}

__device__ __forceinline__ void pouw_sha256_u32le(unsigned int* state, unsigned char* block, unsigned int* used, unsigned int word)
{
    pouw_sha256_byte(state, block, used, word & 0xffu);
    pouw_sha256_byte(state, block, used, (word >> 8) & 0xffu);
    pouw_sha256_byte(state, block, used, (word >> 16) & 0xffu);
    pouw_sha256_byte(state, block, used, word >> 24);
}

#ifdef __cplusplus
extern "C" {
#endif

/*
 * X' = X + L*Q for a rows x k int8 matrix (docs/pouw.md "Seeds and noise"): L entry f = i*r + t keyed
 * by (s0, s1), Q entry f = t*k + l keyed by (s2, s3). A block makes the noise of POUW_NOISE_ROWS rows x
 * POUW_NOISE_COLS columns: it stages that column range of Q (r x 128, one noise word per 16 entries:
 * k is a multiple of 32, so a word never straddles two rows of Q) and the block's rows of L in shared
 * memory, then each thread sums r products for its column in every row. x and noisy may not overlap.
 */
__global__ void pouw_noise(const signed char* x, signed char* noisy, unsigned int rows, unsigned int k, unsigned int rank,
    unsigned int s0, unsigned int s1, unsigned int s2, unsigned int s3)
{
    __shared__ signed char q[POUW_MAX_RANK * POUW_NOISE_COLS];
    __shared__ signed char left[POUW_NOISE_ROWS * POUW_MAX_RANK];
    const unsigned int col0 = blockIdx.x * POUW_NOISE_COLS;
    const unsigned int row0 = blockIdx.y * POUW_NOISE_ROWS;
    const unsigned int groups = POUW_NOISE_COLS / 16;

    for (unsigned int idx = threadIdx.x; idx < rank * groups; idx += blockDim.x) {
        const unsigned int t = idx / groups, group = idx % groups;
        const unsigned int l = col0 + group * 16u;
        if (l < k) {
            const unsigned int word = pouw_noise_word(s2, s3, (t * k + l) >> 4);
            for (unsigned int b = 0; b < 16u; ++b) {
                q[t * POUW_NOISE_COLS + group * 16u + b] = (signed char)pouw_noise_entry(word, b);
            }
        }
    }

    for (unsigned int idx = threadIdx.x; idx < POUW_NOISE_ROWS * rank; idx += blockDim.x) {
        const unsigned int i = idx / rank, t = idx % rank;
        if (row0 + i < rows) {
            left[i * POUW_MAX_RANK + t] = (signed char)pouw_factor_entry(s0, s1, (row0 + i) * rank + t);
        }
    }

    __syncthreads();
    const unsigned int col = threadIdx.x;
    const unsigned int l = col0 + col;
    if (col >= POUW_NOISE_COLS || l >= k) {
        return;
    }

    for (unsigned int i = 0; i < POUW_NOISE_ROWS && row0 + i < rows; ++i) {
        int noise = 0;
        for (unsigned int t = 0; t < rank; ++t) {
            noise += left[i * POUW_MAX_RANK + t] * q[t * POUW_NOISE_COLS + col];
        }

        const unsigned long long at = (unsigned long long)(row0 + i) * k + l;
        noisy[at] = (signed char)(x[at] + noise);
    }
}

/*
 * C = A'*W'^T - U*L_F^T - L_E*V^T = A*W^T (int32, m x n) with A' m x k and W' n x k. Each warp owns hash
 * tile (ti, tj): 16 rows of A' by 16 rows of W', two m16n8k32 MMAs (columns 0..7 and 8..15 of the tile)
 * per 32-step of k; the block's POUW_BLOCK_M rows of A' and POUW_BLOCK_N rows of W' are staged in shared
 * memory POUW_SLAB bytes of k at a time and shared by its warps.
 *
 * With POUW_TRANSCRIPT, after every chunk/32 k-steps (transcript point c) each lane folds its eight
 * accumulators into mix32(P ^ (tileWord + e*0x9E3779B9 + c*0x85EBCA6B)), the warp sums them with
 * __shfl_xor_sync, and lane 0 streams u32le(D_c) into the tile's SHA-256 (the 64-byte block buffer
 * and state live in shared memory, one per warp: one compression per 16 points, so any K fits). After
 * the last point lane 0 pads, finishes tileHash, and appends a winner when it is <= the target.
 *
 * The denoising, fused (planes > 0): after the k-loop and the transcript (which hashes A'*W'^T's partial
 * sums only), the block stages plane p of its rows of a_planes and w_planes (pouw_project's rows:
 * [U_p | L_E | 0] for A, [L_F | V_p | 0] for W', POUW_PLANE_WIDTH(rank) bytes) in the same shared
 * buffers, and each warp runs POUW_PLANE_WIDTH(rank)/32 k-steps of the same MMAs on them, so one plane's
 * MMAs give U_p*L_F^T + L_E*V_p^T. Horner from the top plane into a second set of accumulators,
 * corr = corr*2^8 + U_p*L_F^T + L_E*V_p^T, gives corr = U*L_F^T + L_E*V^T; then acc -= corr and C is
 * written once. No intermediate leaves int32 (so wrapping or saturating MMAs give the same): after plane p,
 * |corr| <= r*(|U| + |V|)/2^(8p) + 2r; the shift before plane p and that plane's partial sums (each at
 * most 2r*128) keep it within r*(|U| + |V|)/2^(8p) + 768r; with |U| <= (128 - r)*k and |V| <= 128*k that
 * is below 2^30 for every r <= 64, k <= 65,536; |C'| and |C| are below 2^30. c_noisy, when not
 * null, also gets C' (the product before the denoising). planes = 0 (a_planes, w_planes unused, may be
 * null): no denoising, c_out gets A'*W'^T (the plain GEMM the bench compares against runs so).
 */
__global__ void pouw_mine(const signed char* a, const signed char* w, const signed char* a_planes, const signed char* w_planes,
    int* c_out, int* c_noisy, unsigned int m, unsigned int n, unsigned int k, unsigned int chunk, unsigned int rank, unsigned int planes,
    const unsigned int* key_and_target, unsigned int* winners, unsigned int capacity, unsigned int* digests)
{
    __shared__ __align__(16) unsigned int tile_a[POUW_BLOCK_M * POUW_SLAB_WORDS];
    __shared__ __align__(16) unsigned int tile_w[POUW_BLOCK_N * POUW_SLAB_WORDS];
    __shared__ unsigned int sha_state[POUW_MINE_WARPS * 8];
    __shared__ unsigned char sha_block[POUW_MINE_WARPS * 64];

    const unsigned int warp = threadIdx.x / 32u, lane = threadIdx.x % 32u;
    const unsigned int group = lane >> 2, quad = lane & 3u;
    const unsigned int warp_m = warp / POUW_WARPS_N, warp_n = warp % POUW_WARPS_N;
    const unsigned int row0 = blockIdx.y * POUW_BLOCK_M, col0 = blockIdx.x * POUW_BLOCK_N;
    const unsigned int ti = blockIdx.y * POUW_WARPS_M + warp_m, tj = blockIdx.x * POUW_WARPS_N + warp_n;
    /* A block may overhang m or n by whole tiles: those warps load and synchronise but compute nothing. */
    const int active = ti * POUW_TILE < m && tj * POUW_TILE < n;
    const unsigned int steps = k / POUW_KSTEP;
    const unsigned int steps_per_point = chunk / POUW_KSTEP;
    const unsigned int* warp_a = tile_a + warp_m * POUW_TILE * POUW_SLAB_WORDS;
    const unsigned int* warp_w = tile_w + warp_n * POUW_TILE * POUW_SLAB_WORDS;

    int acc[2][4];
#pragma unroll
    for (int h = 0; h < 2; ++h) {
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            acc[h][i] = 0;
        }
    }

    /* Element e of accumulator acc[h][i]: row group + 8*(i >> 1), column 8h + 2*quad + (i & 1). */
    const unsigned int tile_word = pouw_mix32(pouw_mix32(pouw_mix32(ti ^ key_and_target[0]) + tj) ^ key_and_target[1]);
    const unsigned int lane_key = tile_word + (group * POUW_TILE + 2u * quad) * POUW_ELEMENT_STEP;
    unsigned int* state = sha_state + warp * 8u;
    unsigned char* block = sha_block + warp * 64u;
    unsigned int used = 0;
    if (POUW_TRANSCRIPT && active && lane == 0) {
        const char* tag = "hgpouw/1 tile";
        state[0] = 0x6a09e667u;
        state[1] = 0xbb67ae85u;
        state[2] = 0x3c6ef372u;
        state[3] = 0xa54ff53au;
        state[4] = 0x510e527fu;
        state[5] = 0x9b05688cu;
        state[6] = 0x1f83d9abu;
        state[7] = 0x5be0cd19u;
        for (int i = 0; i < 13; ++i) {
            pouw_sha256_byte(state, block, &used, (unsigned char)tag[i]);
        }

        for (int i = 0; i < 8; ++i) {
            pouw_sha256_u32le(state, block, &used, key_and_target[i]);
        }

        pouw_sha256_u32le(state, block, &used, ti);
        pouw_sha256_u32le(state, block, &used, tj);
    }

    /* Lane 0's work above and in the loop diverges; mma.sync.aligned needs the whole warp converged. */
    __syncwarp(0xffffffffu);

    const unsigned int segments = POUW_SLAB / 16;
    for (unsigned int k0 = 0; k0 < k; k0 += POUW_SLAB) {
        __syncthreads();
        for (unsigned int idx = threadIdx.x; idx < (POUW_BLOCK_M + POUW_BLOCK_N) * segments; idx += blockDim.x) {
            const unsigned int r = idx / segments, segment = idx % segments;
            const unsigned int kk = k0 + segment * 16u;
            const int is_a = r < POUW_BLOCK_M;
            const unsigned int global_row = is_a ? row0 + r : col0 + (r - POUW_BLOCK_M);
            const unsigned int rows = is_a ? m : n;
            uint4 value;
            if (global_row < rows && kk < k) {
                const signed char* source = (is_a ? a : w) + (unsigned long long)global_row * k + kk;
                value = *(const uint4*)source;
            } else {
                value.x = value.y = value.z = value.w = 0u;
            }

            unsigned int* target = is_a ? tile_a + r * POUW_SLAB_WORDS : tile_w + (r - POUW_BLOCK_M) * POUW_SLAB_WORDS;
            *(uint4*)(target + segment * 4u) = value;
        }

        __syncthreads();
        if (!active) {
            continue;
        }

        for (unsigned int s = 0; s < POUW_SLAB / POUW_KSTEP && k0 + s * POUW_KSTEP < k; ++s) {
            pouw_tile_step(acc, warp_a, warp_w, group, quad, s);
            const unsigned int step = k0 / POUW_KSTEP + s + 1u;
            if (POUW_TRANSCRIPT && step % steps_per_point == 0u) {
                const unsigned int point = step / steps_per_point;
                const unsigned int key = lane_key + point * POUW_POINT_STEP;
                unsigned int sum = 0;
#pragma unroll
                for (int h = 0; h < 2; ++h) {
#pragma unroll
                    for (int i = 0; i < 4; ++i) {
                        const unsigned int e = (unsigned int)((i >> 1) * 8 * POUW_TILE + h * 8 + (i & 1));
                        sum += pouw_mix32((unsigned int)acc[h][i] ^ (key + e * POUW_ELEMENT_STEP));
                    }
                }

#pragma unroll
                for (unsigned int offset = 16; offset > 0; offset >>= 1) {
                    sum += __shfl_xor_sync(0xffffffffu, sum, offset);
                }

                if (lane == 0) {
                    pouw_sha256_u32le(state, block, &used, sum);
                    if (digests != 0) {
                        digests[((unsigned long long)ti * (n / POUW_TILE) + tj) * (steps / steps_per_point) + point - 1u] = sum;
                    }
                }

                __syncwarp(0xffffffffu);
            }
        }
    }

    /* The fused denoising: corr = U*L_F^T + L_E*V^T by Horner over the planes, top plane first. */
    int corr[2][4];
#pragma unroll
    for (int h = 0; h < 2; ++h) {
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            corr[h][i] = 0;
        }
    }

    const unsigned int width = POUW_PLANE_WIDTH(rank);
    const unsigned int plane_segments = width / 16u;
    for (unsigned int p = planes; p-- > 0u;) {
        __syncthreads();
        for (unsigned int idx = threadIdx.x; idx < (POUW_BLOCK_M + POUW_BLOCK_N) * plane_segments; idx += blockDim.x) {
            const unsigned int r = idx / plane_segments, segment = idx % plane_segments;
            const int is_a = r < POUW_BLOCK_M;
            const unsigned int global_row = is_a ? row0 + r : col0 + (r - POUW_BLOCK_M);
            const unsigned int rows = is_a ? m : n;
            uint4 value;
            if (global_row < rows) {
                const signed char* source = (is_a ? a_planes : w_planes) + ((unsigned long long)global_row * planes + p) * width + segment * 16u;
                value = *(const uint4*)source;
            } else {
                value.x = value.y = value.z = value.w = 0u;
            }

            unsigned int* target = is_a ? tile_a + r * POUW_SLAB_WORDS : tile_w + (r - POUW_BLOCK_M) * POUW_SLAB_WORDS;
            *(uint4*)(target + segment * 4u) = value;
        }

        __syncthreads();
        if (!active) {
            continue;
        }

#pragma unroll
        for (int h = 0; h < 2; ++h) {
#pragma unroll
            for (int i = 0; i < 4; ++i) {
                corr[h][i] = (int)((unsigned int)corr[h][i] << 8);
            }
        }

        for (unsigned int s = 0; s < width / POUW_KSTEP; ++s) {
            pouw_tile_step(corr, warp_a, warp_w, group, quad, s);
        }
    }

    if (!active) {
        return;
    }

#pragma unroll
    for (int h = 0; h < 2; ++h) {
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const unsigned int row = ti * POUW_TILE + group + 8u * (unsigned int)(i >> 1);
            const unsigned int col = tj * POUW_TILE + 8u * (unsigned int)h + 2u * quad + (unsigned int)(i & 1);
            const unsigned long long at = (unsigned long long)row * n + col;
            if (c_noisy != 0) {
                c_noisy[at] = acc[h][i];
            }

            c_out[at] = (int)((unsigned int)acc[h][i] - (unsigned int)corr[h][i]);
        }
    }

    if (POUW_TRANSCRIPT && lane == 0) {
        /* FIPS 180-4 section 5.1.1 padding: 0x80, zeros to 56 mod 64, the bit length big-endian. */
        const unsigned long long bits = 8ull * (13u + 32u + 8u + 4ull * (steps / steps_per_point));
        pouw_sha256_byte(state, block, &used, 0x80u);
        while (used != 56u) {
            pouw_sha256_byte(state, block, &used, 0u);
        }

        for (int i = 7; i >= 0; --i) {
            pouw_sha256_byte(state, block, &used, (unsigned int)(bits >> (8 * i)) & 0xffu);
        }

        /* hash <= target, both big-endian: the first differing word decides; all equal wins. */
        int wins = 1;
        for (int i = 0; i < 8; ++i) {
            if (state[i] != key_and_target[8 + i]) {
                wins = state[i] < key_and_target[8 + i];
                break;
            }
        }

        if (wins) {
            const unsigned int slot = atomicAdd(winners, 1u);
            if (slot < capacity) {
                unsigned int* entry = winners + 1u + slot * POUW_WINNER_WORDS;
                entry[0] = ti;
                entry[1] = tj;
                for (int i = 0; i < 8; ++i) {
                    entry[2 + i] = state[i];
                }
            }
        }
    }
}

/*
 * The projections as int8 MMAs, written as the plane rows pouw_mine's fused denoising reads:
 * P = X*Q^T (rows x r, exact int32) for a rows x k int8 X and the Q factor keyed by (q0, q1), with the
 * L factor keyed by (l0, l1) beside it. For A (l_first = 0): U = A*Q_F^T (seedF's s2, s3) beside L_E
 * (seedE's s0, s1); for W' (l_first = 1): L_F (seedF's s0, s1) beside V = W'*Q_E^T (seedE's s2, s3).
 * Row i, plane p (0 <= p < planes) is out[(i * planes + p) * width ..], width = POUW_PLANE_WIDTH(rank):
 *   l_first = 0:  [ U_p[i, 0..r) | L_E[i, 0..r) | 0 ... ]
 *   l_first = 1:  [ L_F[i, 0..r) | V_p[i, 0..r) | 0 ... ]
 * so that the dot product of an A row with a W' row is U_p[i].L_F[j] + L_E[i].V_p[j]; the L entries are
 * repeated in every plane (pouw_mine's Horner adds them once per plane, scaled as that plane's digits).
 * U_p are the digits of pouw_plane_digit, low plane first: the host gives planes such that every |P| fits
 * (|U| <= (128 - r)*k, |V| <= 128*k; CudaPouwKernelParameters.Planes).
 * A block takes POUW_PROJECT_ROWS rows, a warp 16 of them by all r columns: ceil(r/8) m16n8k32 MMAs per
 * 32-step of k, with the block's POUW_SLAB bytes of X and of Q (r rows, made from the seed words, one
 * noise word per 16 entries) staged in shared memory.
 */
__global__ void pouw_project(const signed char* x, signed char* out, unsigned int rows, unsigned int k, unsigned int rank,
    unsigned int q0, unsigned int q1, unsigned int l0, unsigned int l1, unsigned int l_first, unsigned int planes)
{
    __shared__ __align__(16) unsigned int tile_x[POUW_PROJECT_ROWS * POUW_SLAB_WORDS];
    __shared__ __align__(16) unsigned int tile_q[POUW_MAX_RANK * POUW_SLAB_WORDS];
    const unsigned int warp = threadIdx.x / 32u, lane = threadIdx.x % 32u;
    const unsigned int group = lane >> 2, quad = lane & 3u;
    const unsigned int row0 = blockIdx.x * POUW_PROJECT_ROWS;
    const unsigned int tiles = (rank + 7u) / 8u;
    const int active = row0 + warp * POUW_TILE < rows;
    const unsigned int segments = POUW_SLAB / 16;
    const unsigned int* warp_x = tile_x + warp * POUW_TILE * POUW_SLAB_WORDS;

    int acc[POUW_MAX_RANK / 8][4];
#pragma unroll
    for (int t = 0; t < POUW_MAX_RANK / 8; ++t) {
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            acc[t][i] = 0;
        }
    }

    for (unsigned int k0 = 0; k0 < k; k0 += POUW_SLAB) {
        __syncthreads();
        for (unsigned int idx = threadIdx.x; idx < POUW_PROJECT_ROWS * segments; idx += blockDim.x) {
            const unsigned int r = idx / segments, segment = idx % segments;
            const unsigned int kk = k0 + segment * 16u;
            uint4 value;
            if (row0 + r < rows && kk < k) {
                value = *(const uint4*)(x + (unsigned long long)(row0 + r) * k + kk);
            } else {
                value.x = value.y = value.z = value.w = 0u;
            }

            *(uint4*)(tile_x + r * POUW_SLAB_WORDS + segment * 4u) = value;
        }

        /* Q rows t < 8*tiles (those past r are zeros): one noise word makes 16 entries, 16 bytes. */
        for (unsigned int idx = threadIdx.x; idx < 8u * tiles * segments; idx += blockDim.x) {
            const unsigned int t = idx / segments, segment = idx % segments;
            const unsigned int l = k0 + segment * 16u;
            const unsigned int word = t < rank && l < k ? pouw_noise_word(q0, q1, (t * k + l) >> 4) : 0u;
            unsigned int packed[4];
#pragma unroll
            for (int j = 0; j < 4; ++j) {
                packed[j] = 0u;
#pragma unroll
                for (int b = 0; b < 4; ++b) {
                    packed[j] |= ((unsigned int)pouw_noise_entry(word, (unsigned int)(4 * j + b)) & 0xffu) << (8 * b);
                }
            }

            uint4 value;
            value.x = packed[0];
            value.y = packed[1];
            value.z = packed[2];
            value.w = packed[3];
            *(uint4*)(tile_q + t * POUW_SLAB_WORDS + segment * 4u) = value;
        }

        __syncthreads();
        if (!active) {
            continue;
        }

        for (unsigned int s = 0; s < POUW_SLAB / POUW_KSTEP && k0 + s * POUW_KSTEP < k; ++s) {
            const unsigned int* ar = warp_x + group * POUW_SLAB_WORDS + s * 8u + quad;
            const unsigned int a0 = ar[0], a1 = ar[8 * POUW_SLAB_WORDS], a2 = ar[4], a3 = ar[8 * POUW_SLAB_WORDS + 4];
#pragma unroll
            for (unsigned int t = 0; t < POUW_MAX_RANK / 8; ++t) {
                if (t < tiles) {
                    const unsigned int* qr = tile_q + (8u * t + group) * POUW_SLAB_WORDS + s * 8u + quad;
                    pouw_mma_m16n8k32(acc[t], a0, a1, a2, a3, qr[0], qr[4]);
                }
            }
        }
    }

    /* The L entries (every plane) and the zero padding, by every thread; the digits by the lanes holding P. */
    const unsigned int width = POUW_PLANE_WIDTH(rank);
    const unsigned int product_at = l_first ? rank : 0u, factor_at = l_first ? 0u : rank;
    for (unsigned int idx = threadIdx.x; idx < POUW_PROJECT_ROWS * width; idx += blockDim.x) {
        const unsigned int i = idx / width, c = idx % width;
        const unsigned int row = row0 + i;
        if (row >= rows || (c >= product_at && c < product_at + rank)) {
            continue;
        }

        const int value = c >= factor_at && c < factor_at + rank ? pouw_factor_entry(l0, l1, row * rank + (c - factor_at)) : 0;
        for (unsigned int p = 0; p < planes; ++p) {
            out[((unsigned long long)row * planes + p) * width + c] = (signed char)value;
        }
    }

    if (!active) {
        return;
    }

#pragma unroll
    for (unsigned int t = 0; t < POUW_MAX_RANK / 8; ++t) {
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const unsigned int row = row0 + warp * POUW_TILE + group + 8u * (unsigned int)(i >> 1);
            const unsigned int column = 8u * t + 2u * quad + (unsigned int)(i & 1);
            if (t < tiles && column < rank) {
                int rest = acc[t][i];
                for (unsigned int p = 0; p < planes; ++p) {
                    out[((unsigned long long)row * planes + p) * width + product_at + column] = (signed char)pouw_plane_digit(&rest);
                }
            }
        }
    }
}

#ifdef __cplusplus
}
#endif
