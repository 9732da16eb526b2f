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
 *   pouw_mine      C' = A'*W'^T with the transcript of every 16x16 hash tile; winners appended.
 *   pouw_project   P = X*Q^T (rows x r, int32): U = A*Q_F^T and V = W'*Q_E^T.
 *   pouw_denoise   C = C' - U*L_F^T - L_E*V^T (may run in place on C').
 * Launch geometry (the host uses these macros' values; see each kernel's comment):
 *   pouw_noise     block POUW_NOISE_THREADS,   grid (ceil(k / POUW_NOISE_COLS), ceil(rows / POUW_NOISE_ROWS))
 *   pouw_mine      block POUW_MINE_THREADS,    grid (ceil(n / POUW_BLOCK_N), ceil(m / POUW_BLOCK_M))
 *   pouw_project   block POUW_PROJECT_THREADS, grid (ceil(rows / POUW_PROJECT_ROWS))
 *   pouw_denoise   block POUW_DENOISE_THREADS, grid (ceil(n / 16), ceil(m / 16))
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
 * Performance: what is here, and what is not yet (nothing below has been measured on a GPU).
 *   Here: pouw_mine shares each block's A' and W' rows through shared memory (16-byte loads, rows
 *   padded so fragment loads are conflict-free), two MMAs per warp per 32-step of k, the transcript
 *   point in registers (per accumulator: one add, one xor, mix32, one add; then 5 shuffles), and the
 *   tile's SHA-256 streamed by lane 0 (one compression per 16 points plus two), so the plain build
 *   and the transcript build differ only by that epilogue per point.
 *   Not yet:
 *   - cp.async (sm_80) or TMA (sm_90) multi-stage staging instead of load, sync, compute, sync;
 *     ldmatrix for the fragments; a warp owning several 16x16 hash tiles (e.g. 64x64, 128x128 per
 *     block) so each fragment feeds more MMAs; wgmma on sm_90 (only the accumulator-to-element map
 *     e changes). One 16x16 tile per warp is far from cuBLAS: compare against the plain build.
 *   - Lane 0's byte-wise SHA appends diverge the warp once per point: the 53-byte prefix makes every
 *     D_c straddle two message words; funnel shifts on words, or all lanes running the compression
 *     with the message words fetched by __shfl_sync, would remove the divergence.
 *   - The noise is a separate pass (pouw_noise: read X, write X'), memory-bound; W' is made once per
 *     job (its seed depends only on the registration), A' per batch.
 *   - Denoising is the expensive part at r = 64: pouw_denoise reads and writes C' (8 bytes per output
 *     element, a pass as long as a large part of the GEMM at n = 8192) and spends 2r multiply-adds per
 *     element on the CUDA cores. It should be fused into pouw_mine's epilogue (C' never leaves the
 *     registers; U, V, L_E, L_F rows are small) and run on the tensor cores as int8 MMAs over byte
 *     planes of U and V (|U|, |V| < 2^23 for k <= 65,536: three planes each, inner dimension 6r).
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

#define POUW_PROJECT_ROWS 16
#define POUW_PROJECT_THREADS 256
#define POUW_PROJECT_COLS 128

#define POUW_DENOISE_THREADS 256

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
 * C' = A'*W'^T (int32, m x n) with A' m x k and W' n x k. Each warp owns hash tile (ti, tj): 16 rows
 * of A' by 16 rows of W', two m16n8k32 MMAs (columns 0..7 and 8..15 of the tile) per 32-step of k; the
 * block's POUW_BLOCK_M rows of A' and POUW_BLOCK_N rows of W' are staged in shared memory
 * POUW_SLAB bytes of k at a time and shared by its warps.
 *
 * With POUW_TRANSCRIPT, after every chunk/32 k-steps (transcript point c) each lane folds its eight
 * accumulators into mix32(P ^ (tileWord + e*0x9E3779B9 + c*0x85EBCA6B)), the warp sums them with
 * __shfl_xor_sync, and lane 0 streams u32le(D_c) into the tile's SHA-256 (the 64-byte block buffer
 * and state live in shared memory, one per warp: one compression per 16 points, so any K fits). After
 * the last point lane 0 pads, finishes tileHash, and appends a winner when it is <= the target.
 */
__global__ void pouw_mine(const signed char* a, const signed char* w, int* c_out,
    unsigned int m, unsigned int n, unsigned int k, unsigned int chunk,
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
            const unsigned int* ar = tile_a + (warp_m * POUW_TILE + group) * POUW_SLAB_WORDS + s * 8u + quad;
            const unsigned int a0 = ar[0], a1 = ar[8 * POUW_SLAB_WORDS], a2 = ar[4], a3 = ar[8 * POUW_SLAB_WORDS + 4];
#pragma unroll
            for (int h = 0; h < 2; ++h) {
                const unsigned int* wr = tile_w + (warp_n * POUW_TILE + 8u * h + group) * POUW_SLAB_WORDS + s * 8u + quad;
                pouw_mma_m16n8k32(acc[h], a0, a1, a2, a3, wr[0], wr[4]);
            }

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

    if (!active) {
        return;
    }

#pragma unroll
    for (int h = 0; h < 2; ++h) {
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const unsigned int row = ti * POUW_TILE + group + 8u * (unsigned int)(i >> 1);
            const unsigned int col = tj * POUW_TILE + 8u * (unsigned int)h + 2u * quad + (unsigned int)(i & 1);
            c_out[(unsigned long long)row * n + col] = acc[h][i];
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
 * P = X*Q^T (rows x r, int32, row-major) for a rows x k int8 X and the Q factor keyed by (q0, q1):
 * U = A*Q_F^T (seedF's s2, s3) and V = W'*Q_E^T (seedE's s2, s3) for pouw_denoise. A block takes
 * POUW_PROJECT_ROWS rows; thread (t = tid % 64, tid / 64) sums column t of four of them, POUW_PROJECT_COLS
 * columns of k at a time with that slice of X and of Q staged in shared memory.
 */
__global__ void pouw_project(const signed char* x, int* product, unsigned int rows, unsigned int k, unsigned int rank,
    unsigned int q0, unsigned int q1)
{
    __shared__ signed char q[POUW_MAX_RANK * POUW_PROJECT_COLS];
    __shared__ signed char xs[POUW_PROJECT_ROWS * POUW_PROJECT_COLS];
    const unsigned int row0 = blockIdx.x * POUW_PROJECT_ROWS;
    const unsigned int t = threadIdx.x % POUW_MAX_RANK, quarter = threadIdx.x / POUW_MAX_RANK;
    const unsigned int per_thread = POUW_PROJECT_ROWS / (POUW_PROJECT_THREADS / POUW_MAX_RANK);
    const unsigned int groups = POUW_PROJECT_COLS / 16;
    unsigned int sums[POUW_PROJECT_ROWS / (POUW_PROJECT_THREADS / POUW_MAX_RANK)];
    for (unsigned int j = 0; j < per_thread; ++j) {
        sums[j] = 0;
    }

    for (unsigned int k0 = 0; k0 < k; k0 += POUW_PROJECT_COLS) {
        __syncthreads();
        for (unsigned int idx = threadIdx.x; idx < rank * groups; idx += blockDim.x) {
            const unsigned int tt = idx / groups, g = idx % groups;
            const unsigned int l = k0 + g * 16u;
            const unsigned int word = l < k ? pouw_noise_word(q0, q1, (tt * k + l) >> 4) : 0u;
            for (unsigned int b = 0; b < 16u; ++b) {
                q[tt * POUW_PROJECT_COLS + g * 16u + b] = (signed char)pouw_noise_entry(word, b);
            }
        }

        for (unsigned int idx = threadIdx.x; idx < POUW_PROJECT_ROWS * POUW_PROJECT_COLS; idx += blockDim.x) {
            const unsigned int i = idx / POUW_PROJECT_COLS, l = idx % POUW_PROJECT_COLS;
            xs[idx] = (row0 + i < rows && k0 + l < k) ? x[(unsigned long long)(row0 + i) * k + k0 + l] : (signed char)0;
        }

        __syncthreads();
        if (t < rank) {
            for (unsigned int j = 0; j < per_thread; ++j) {
                const unsigned int i = quarter + j * (POUW_PROJECT_THREADS / POUW_MAX_RANK);
                int sum = 0;
                for (unsigned int l = 0; l < POUW_PROJECT_COLS; ++l) {
                    sum += xs[i * POUW_PROJECT_COLS + l] * q[t * POUW_PROJECT_COLS + l];
                }

                sums[j] += (unsigned int)sum;
            }
        }
    }

    if (t >= rank) {
        return;
    }

    for (unsigned int j = 0; j < per_thread; ++j) {
        const unsigned int i = row0 + quarter + j * (POUW_PROJECT_THREADS / POUW_MAX_RANK);
        if (i < rows) {
            product[(unsigned long long)i * rank + t] = (int)sums[j];
        }
    }
}

/*
 * C = C' - U*L_F^T - L_E*V^T (docs/pouw.md "Denoising"), m x n int32: U = A*Q_F^T (m x r) and
 * V = W'*Q_E^T (n x r) from pouw_project; L_E entry i*r + t keyed by seedE's (s0, s1), L_F entry
 * j*r + t by seedF's (s0, s1). A block of 16x16 outputs stages its rows of U, L_E, V and L_F in shared
 * memory. c may be c_noisy (in place).
 */
__global__ void pouw_denoise(const int* c_noisy, const int* u, const int* v, int* c,
    unsigned int m, unsigned int n, unsigned int rank,
    unsigned int e0, unsigned int e1, unsigned int f0, unsigned int f1)
{
    __shared__ int us[16 * POUW_MAX_RANK];
    __shared__ int vs[16 * POUW_MAX_RANK];
    __shared__ signed char le[16 * POUW_MAX_RANK];
    __shared__ signed char lf[16 * POUW_MAX_RANK];
    const unsigned int row0 = blockIdx.y * 16u, col0 = blockIdx.x * 16u;
    for (unsigned int idx = threadIdx.x; idx < 16u * rank; idx += blockDim.x) {
        const unsigned int i = idx / rank, t = idx % rank;
        const unsigned int row = row0 + i, col = col0 + i;
        us[i * POUW_MAX_RANK + t] = row < m ? u[(unsigned long long)row * rank + t] : 0;
        le[i * POUW_MAX_RANK + t] = row < m ? (signed char)pouw_factor_entry(e0, e1, row * rank + t) : (signed char)0;
        vs[i * POUW_MAX_RANK + t] = col < n ? v[(unsigned long long)col * rank + t] : 0;
        lf[i * POUW_MAX_RANK + t] = col < n ? (signed char)pouw_factor_entry(f0, f1, col * rank + t) : (signed char)0;
    }

    __syncthreads();
    const unsigned int i = threadIdx.x / 16u, j = threadIdx.x % 16u;
    const unsigned int row = row0 + i, col = col0 + j;
    if (threadIdx.x >= 256u || row >= m || col >= n) {
        return;
    }

    unsigned int correction = 0;
    for (unsigned int t = 0; t < rank; ++t) {
        correction += (unsigned int)us[i * POUW_MAX_RANK + t] * (unsigned int)(int)lf[j * POUW_MAX_RANK + t];
        correction += (unsigned int)(int)le[i * POUW_MAX_RANK + t] * (unsigned int)vs[j * POUW_MAX_RANK + t];
    }

    const unsigned long long at = (unsigned long long)row * n + col;
    c[at] = (int)((unsigned int)c_noisy[at] - correction);
}

#ifdef __cplusplus
}
#endif
