/*
 * Runs sha256d.cu's kernel on the CPU, block by block and thread by thread, the way a launch of
 * <<<blocks, threads_per_block>>> would cover the range. Usage:
 *   sha256d_cpu WORD0 .. WORD22 FIRST_NONCE LAST_NONCE THREADS_PER_BLOCK NONCES_PER_THREAD CAPACITY
 * (numbers in decimal or 0x hex; the words as Sha256dKernelParameters packs them). Prints
 *   blocks B
 *   reported N
 * then the min(N, CAPACITY) candidate nonces, one per line, in the order the kernel wrote them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cuda_shim.h"
#include "sha256d.cu"

static unsigned int parse(const char* text)
{
    char* end = NULL;
    const unsigned long long value = strtoull(text, &end, 0);
    if (end == text || *end != '\0' || value > 0xffffffffull) {
        fprintf(stderr, "not a 32-bit number: %s\n", text);
        exit(2);
    }

    return (unsigned int)value;
}

int main(int argc, char** argv)
{
    if (argc != 1 + SHA256D_WORD_ARGUMENTS + 5) {
        fprintf(stderr, "expected %d word arguments and 5 launch arguments, got %d\n", SHA256D_WORD_ARGUMENTS, argc - 1);
        return 2;
    }

    unsigned int w[SHA256D_WORD_ARGUMENTS];
    for (int i = 0; i < SHA256D_WORD_ARGUMENTS; ++i) {
        w[i] = parse(argv[1 + i]);
    }

    const char** launch = (const char**)argv + 1 + SHA256D_WORD_ARGUMENTS;
    const unsigned int first = parse(launch[0]);
    const unsigned int last = parse(launch[1]);
    const unsigned int threads = parse(launch[2]);
    const unsigned int per_thread = parse(launch[3]);
    const unsigned int capacity = parse(launch[4]);
    if (last < first || threads == 0 || per_thread == 0) {
        fprintf(stderr, "need first <= last and positive geometry\n");
        return 2;
    }

    const unsigned long long nonces = (unsigned long long)(last - first) + 1ull;
    const unsigned long long per_block = (unsigned long long)threads * per_thread;
    const unsigned long long blocks = (nonces + per_block - 1) / per_block;
    if (blocks > 0xffffffffull) {
        fprintf(stderr, "%llu blocks do not fit gridDim.x\n", blocks);
        return 2;
    }

    unsigned int* out = calloc((size_t)capacity + 1, sizeof(unsigned int));
    if (out == NULL) {
        return 3;
    }

    gridDim.x = (unsigned int)blocks;
    gridDim.y = gridDim.z = blockDim.y = blockDim.z = 1;
    blockDim.x = threads;
    for (blockIdx.x = 0; blockIdx.x < gridDim.x; ++blockIdx.x) {
        for (threadIdx.x = 0; threadIdx.x < blockDim.x; ++threadIdx.x) {
            sha256d_search(
                w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7],
                w[8], w[9], w[10], w[11], w[12], w[13], w[14], w[15],
                w[16], w[17], w[18], w[19], w[20], w[21], w[22],
                first, last, per_thread, out, capacity);
        }
    }

    printf("blocks %u\nreported %u\n", gridDim.x, out[0]);
    const unsigned int kept = out[0] < capacity ? out[0] : capacity;
    for (unsigned int i = 0; i < kept; ++i) {
        printf("%u\n", out[1 + i]);
    }

    free(out);
    return 0;
}
