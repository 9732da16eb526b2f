/*
 * Runs pouw.cu's kernels on the CPU through cuda_warp_shim.h, in the order a miner would launch
 * them, with the argument words and launch geometry the host computes (CudaPouwKernelParameters).
 * Usage: pouw_cpu INPUT OUTPUT.
 * INPUT (little-endian):  u32 m, n, k, rank, chunk, capacity, planes; u32 seedE s0..s3, seedF s0..s3;
 *                         u32 key_and_target[16]; five launches as u32 grid.x, grid.y, block.x
 *                         (noise A, noise W, project U, project V, mine); A (m*k int8);
 *                         W (n*k int8).
 * OUTPUT (little-endian): A' (m*k); W' (n*k); C' (m*n int32); C (m*n int32, denoised);
 *                         u32 tiles, u32 points, digests (tiles*points u32, tile ti*(n/16)+tj);
 *                         the winners buffer's count word, then its min(count, capacity) entries
 *                         (10 u32 each, as the kernel wrote them).
 * pouw_mine gets both C (c_out, denoised through the planes) and C' (c_noisy).
 * Built twice by the tests: as is, and with -DPOUW_TRANSCRIPT=0 (the plain GEMM: no digests, no
 * winners, the same C').
 */
#include "cuda_warp_shim.h"
#include "pouw.cu"

#include <string.h>

static struct {
    const signed char* x;
    signed char *noisy, *planes_out;
    unsigned int rows, k, rank, s0, s1, s2, s3, l0, l1, l_first, planes;
} noise_args;

static struct {
    const signed char *a, *w, *a_planes, *w_planes;
    int *c, *c_noisy;
    unsigned int m, n, k, chunk, rank, planes, capacity;
    const unsigned int* key_and_target;
    unsigned int *winners, *digests;
} mine_args;

static void run_noise(void)
{
    pouw_noise(noise_args.x, noise_args.noisy, noise_args.rows, noise_args.k, noise_args.rank,
        noise_args.s0, noise_args.s1, noise_args.s2, noise_args.s3);
}

static void run_project(void)
{
    pouw_project(noise_args.x, noise_args.planes_out, noise_args.rows, noise_args.k, noise_args.rank, noise_args.s2, noise_args.s3,
        noise_args.l0, noise_args.l1, noise_args.l_first, noise_args.planes);
}

static void run_mine(void)
{
    pouw_mine(mine_args.a, mine_args.w, mine_args.a_planes, mine_args.w_planes, mine_args.c, mine_args.c_noisy,
        mine_args.m, mine_args.n, mine_args.k, mine_args.chunk, mine_args.rank, mine_args.planes,
        mine_args.key_and_target, mine_args.winners, mine_args.capacity, mine_args.digests);
}

static unsigned int le32(const unsigned char* p)
{
    return (unsigned int)p[0] | ((unsigned int)p[1] << 8) | ((unsigned int)p[2] << 16) | ((unsigned int)p[3] << 24);
}

static void* allocate(size_t bytes)
{
    /* 16-byte aligned and zeroed, as cudaMalloc'd buffers the host clears. */
    void* p = aligned_alloc(16, (bytes + 15) / 16 * 16);
    if (p == NULL) {
        exit(3);
    }

    memset(p, 0, (bytes + 15) / 16 * 16);
    return p;
}

static void read_exactly(FILE* f, void* buffer, size_t bytes)
{
    if (fread(buffer, 1, bytes, f) != bytes) {
        fprintf(stderr, "input ends early\n");
        exit(2);
    }
}

static void write_exactly(FILE* f, const void* buffer, size_t bytes)
{
    if (fwrite(buffer, 1, bytes, f) != bytes) {
        fprintf(stderr, "cannot write output\n");
        exit(2);
    }
}

static void write_u32(FILE* f, unsigned int value)
{
    const unsigned char bytes[4] = { (unsigned char)value, (unsigned char)(value >> 8), (unsigned char)(value >> 16), (unsigned char)(value >> 24) };
    write_exactly(f, bytes, 4);
}

int main(int argc, char** argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: pouw_cpu INPUT OUTPUT\n");
        return 2;
    }

    FILE* in = fopen(argv[1], "rb");
    if (in == NULL) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 2;
    }

    unsigned char header[28], words[(4 + 4 + 16 + 15) * 4];
    read_exactly(in, header, sizeof header);
    const unsigned int m = le32(header), n = le32(header + 4), k = le32(header + 8);
    const unsigned int rank = le32(header + 12), chunk = le32(header + 16), capacity = le32(header + 20), planes = le32(header + 24);
    if (m == 0 || m % 16 || n == 0 || n % 16 || k == 0 || k % 32 || rank < 1 || rank > 64 || chunk == 0 || chunk % 32 || k % chunk
        || planes > POUW_MAX_PLANES) {
        fprintf(stderr, "shape out of bounds: m %u n %u k %u r %u chunk %u\n", m, n, k, rank, chunk);
        return 2;
    }

    read_exactly(in, words, sizeof words);
    unsigned int seed_e[4], seed_f[4], key_and_target[16];
    dim3 grids[5], blocks[5];
    for (int i = 0; i < 4; ++i) {
        seed_e[i] = le32(words + 4 * i);
        seed_f[i] = le32(words + 16 + 4 * i);
    }

    for (int i = 0; i < 16; ++i) {
        key_and_target[i] = le32(words + 32 + 4 * i);
    }

    for (int i = 0; i < 5; ++i) {
        const unsigned char* launch = words + 96 + 12 * i;
        grids[i] = (dim3) { le32(launch), le32(launch + 4), 1 };
        blocks[i] = (dim3) { le32(launch + 8), 1, 1 };
    }

    signed char* a = allocate((size_t)m * k);
    signed char* w = allocate((size_t)n * k);
    read_exactly(in, a, (size_t)m * k);
    read_exactly(in, w, (size_t)n * k);
    fclose(in);

    signed char* a_noisy = allocate((size_t)m * k);
    signed char* w_noisy = allocate((size_t)n * k);
    int* c_noisy = allocate((size_t)m * n * sizeof(int));
    int* c = allocate((size_t)m * n * sizeof(int));
    const size_t width = POUW_PLANE_WIDTH(rank);
    signed char* a_planes = allocate((size_t)m * planes * width);
    signed char* w_planes = allocate((size_t)n * planes * width);
    const unsigned int tiles = (m / 16) * (n / 16), points = k / chunk;
    unsigned int* digests = allocate((size_t)tiles * points * sizeof(unsigned int));
    unsigned int* winners = allocate((1 + (size_t)capacity * POUW_WINNER_WORDS) * sizeof(unsigned int));
    noise_args.k = k;
    noise_args.rank = rank;
    noise_args.x = a;
    noise_args.noisy = a_noisy;
    noise_args.rows = m;
    noise_args.s0 = seed_e[0];
    noise_args.s1 = seed_e[1];
    noise_args.s2 = seed_e[2];
    noise_args.s3 = seed_e[3];
    shim_launch(grids[0], blocks[0], run_noise);
    noise_args.x = w;
    noise_args.noisy = w_noisy;
    noise_args.rows = n;
    noise_args.s0 = seed_f[0];
    noise_args.s1 = seed_f[1];
    noise_args.s2 = seed_f[2];
    noise_args.s3 = seed_f[3];
    shim_launch(grids[1], blocks[1], run_noise);

    /* U = A*Q_F^T (the clean A, seedF's Q) beside L_E; L_F beside V = W'*Q_E^T (the noisy W', seedE's Q). */
    noise_args.x = a;
    noise_args.planes_out = a_planes;
    noise_args.rows = m;
    noise_args.s2 = seed_f[2];
    noise_args.s3 = seed_f[3];
    noise_args.l0 = seed_e[0];
    noise_args.l1 = seed_e[1];
    noise_args.l_first = 0;
    noise_args.planes = planes;
    shim_launch(grids[2], blocks[2], run_project);
    noise_args.x = w_noisy;
    noise_args.planes_out = w_planes;
    noise_args.rows = n;
    noise_args.s2 = seed_e[2];
    noise_args.s3 = seed_e[3];
    noise_args.l0 = seed_f[0];
    noise_args.l1 = seed_f[1];
    noise_args.l_first = 1;
    shim_launch(grids[3], blocks[3], run_project);

    mine_args.a = a_noisy;
    mine_args.w = w_noisy;
    mine_args.a_planes = a_planes;
    mine_args.w_planes = w_planes;
    mine_args.c = c;
    mine_args.c_noisy = c_noisy;
    mine_args.rank = rank;
    mine_args.planes = planes;
    mine_args.m = m;
    mine_args.n = n;
    mine_args.k = k;
    mine_args.chunk = chunk;
    mine_args.key_and_target = key_and_target;
    mine_args.winners = winners;
    mine_args.capacity = capacity;
    mine_args.digests = digests;
    shim_launch(grids[4], blocks[4], run_mine);

    FILE* out = fopen(argv[2], "wb");
    if (out == NULL) {
        fprintf(stderr, "cannot create %s\n", argv[2]);
        return 2;
    }

    write_exactly(out, a_noisy, (size_t)m * k);
    write_exactly(out, w_noisy, (size_t)n * k);
    for (size_t i = 0; i < (size_t)m * n; ++i) {
        write_u32(out, (unsigned int)c_noisy[i]);
    }

    for (size_t i = 0; i < (size_t)m * n; ++i) {
        write_u32(out, (unsigned int)c[i]);
    }

    write_u32(out, tiles);
    write_u32(out, points);
    for (size_t i = 0; i < (size_t)tiles * points; ++i) {
        write_u32(out, digests[i]);
    }

    write_u32(out, winners[0]);
    const unsigned int kept = winners[0] < capacity ? winners[0] : capacity;
    for (size_t i = 0; i < (size_t)kept * POUW_WINNER_WORDS; ++i) {
        write_u32(out, winners[1 + i]);
    }

    if (fclose(out) != 0) {
        return 2;
    }

    return 0;
}
