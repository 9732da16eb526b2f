/*
 * Runs one launch of a pouw.cu kernel on the CPU through cuda_warp_shim.h, as the tests' fake CUDA
 * driver received it from the host (Pouw/ShimPouwKernels.cs): so CudaPouwGemm's own argument packing
 * and launch geometry drive the real kernel source. A process per launch, as pouw_cpu_main.c, because
 * the shim switches stacks (ucontext), which a managed test host does not tolerate in-process.
 * Usage: pouw_cpu_launch FILE. FILE (little-endian), rewritten in place with the regions after the run:
 *   char kernel[32] (zero padded); u32 grid_x, grid_y, block_x; u32 nargs;
 *   nargs x (u32 kind; u64 value): kind 0 a scalar (unsigned int in the low half), kind 1 a pointer
 *   into region (value >> 40) at byte offset (value & (2^40 - 1)), kind 2 a null pointer;
 *   u32 nregions; nregions x (u64 length; bytes): the device allocations the pointers reach.
 * Built as is and with -DPOUW_TRANSCRIPT=0 (the plain GEMM).
 */
#include "cuda_warp_shim.h"
#include "pouw.cu"

#include <string.h>

#define LAUNCH_MAX_ARGS 16
#define LAUNCH_MAX_REGIONS 16

static const char* launch_kernel;
static unsigned long long launch_args[LAUNCH_MAX_ARGS];

#define ARG_PTR(i, type) ((type)(uintptr_t)launch_args[i])
#define ARG_U32(i) ((unsigned int)launch_args[i])

static void launch_run(void)
{
    if (strcmp(launch_kernel, "pouw_noise") == 0) {
        pouw_noise(ARG_PTR(0, const signed char*), ARG_PTR(1, signed char*), ARG_U32(2), ARG_U32(3), ARG_U32(4),
            ARG_U32(5), ARG_U32(6), ARG_U32(7), ARG_U32(8));
    } else if (strcmp(launch_kernel, "pouw_mine") == 0) {
        pouw_mine(ARG_PTR(0, const signed char*), ARG_PTR(1, const signed char*), ARG_PTR(2, const signed char*), ARG_PTR(3, const signed char*),
            ARG_PTR(4, int*), ARG_PTR(5, int*), ARG_U32(6), ARG_U32(7), ARG_U32(8), ARG_U32(9), ARG_U32(10), ARG_U32(11),
            ARG_PTR(12, const unsigned int*), ARG_PTR(13, unsigned int*), ARG_U32(14), ARG_PTR(15, unsigned int*));
    } else {
        pouw_project(ARG_PTR(0, const signed char*), ARG_PTR(1, signed char*), ARG_U32(2), ARG_U32(3), ARG_U32(4), ARG_U32(5), ARG_U32(6),
            ARG_U32(7), ARG_U32(8), ARG_U32(9), ARG_U32(10));
    }
}

static void read_exactly(FILE* f, void* p, size_t n)
{
    if (n > 0 && fread(p, 1, n, f) != n) {
        fprintf(stderr, "pouw_cpu_launch: short input\n");
        exit(2);
    }
}

static unsigned long long read_u(FILE* f, size_t bytes)
{
    unsigned char b[8] = { 0 };
    read_exactly(f, b, bytes);
    unsigned long long v = 0;
    for (size_t i = 0; i < bytes; ++i) {
        v |= (unsigned long long)b[i] << (8 * i);
    }

    return v;
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pouw_cpu_launch FILE\n");
        return 2;
    }

    FILE* in = fopen(argv[1], "rb");
    if (in == NULL) {
        return 2;
    }

    static char kernel[33];
    read_exactly(in, kernel, 32);
    launch_kernel = kernel;
    if (strcmp(kernel, "pouw_noise") != 0 && strcmp(kernel, "pouw_mine") != 0 && strcmp(kernel, "pouw_project") != 0) {
        fprintf(stderr, "pouw_cpu_launch: unknown kernel %s\n", kernel);
        return 2;
    }

    dim3 grid = { (unsigned int)read_u(in, 4), (unsigned int)read_u(in, 4), 1 };
    dim3 block = { (unsigned int)read_u(in, 4), 1, 1 };
    const unsigned int nargs = (unsigned int)read_u(in, 4);
    unsigned int kinds[LAUNCH_MAX_ARGS];
    unsigned long long values[LAUNCH_MAX_ARGS];
    if (nargs > LAUNCH_MAX_ARGS) {
        return 2;
    }

    for (unsigned int i = 0; i < nargs; ++i) {
        kinds[i] = (unsigned int)read_u(in, 4);
        values[i] = read_u(in, 8);
    }

    const unsigned int nregions = (unsigned int)read_u(in, 4);
    unsigned long long lengths[LAUNCH_MAX_REGIONS];
    unsigned char* regions[LAUNCH_MAX_REGIONS];
    if (nregions > LAUNCH_MAX_REGIONS) {
        return 2;
    }

    for (unsigned int r = 0; r < nregions; ++r) {
        lengths[r] = read_u(in, 8);
        regions[r] = malloc(lengths[r] > 0 ? lengths[r] : 1);
        if (regions[r] == NULL) {
            return 3;
        }

        read_exactly(in, regions[r], lengths[r]);
    }

    fclose(in);
    for (unsigned int i = 0; i < nargs; ++i) {
        if (kinds[i] == 1) {
            const unsigned int r = (unsigned int)(values[i] >> 40);
            const unsigned long long offset = values[i] & ((1ull << 40) - 1);
            if (r >= nregions || offset >= lengths[r]) {
                fprintf(stderr, "pouw_cpu_launch: argument %u outside its region\n", i);
                return 2;
            }

            launch_args[i] = (unsigned long long)(uintptr_t)(regions[r] + offset);
        } else if (kinds[i] == 2) {
            launch_args[i] = 0;
        } else {
            launch_args[i] = values[i];
        }
    }

    shim_launch(grid, block, launch_run);

    FILE* out = fopen(argv[1], "wb");
    if (out == NULL) {
        return 2;
    }

    for (unsigned int r = 0; r < nregions; ++r) {
        if (lengths[r] > 0 && fwrite(regions[r], 1, lengths[r], out) != lengths[r]) {
            return 2;
        }
    }

    return fclose(out) == 0 ? 0 : 2;
}
