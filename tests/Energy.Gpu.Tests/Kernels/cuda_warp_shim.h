/*
 * Enough of CUDA for a C11 compiler to run a kernel that synchronises: a block's threads run as
 * coroutines (ucontext) on one CPU thread, switched only inside the collective operations, so
 * __syncthreads, __syncwarp, __shfl_xor_sync and the warp-wide mma.sync m16n8k32 are exact:
 *   - a barrier counts arrivals and bumps a generation; a thread waits by yielding to the scheduler
 *     until the generation moves (a pass over the block in which no thread arrives anywhere and none
 *     ends is a deadlock: divergent collectives abort with a message);
 *   - __shared__ is `static`: one copy, shared by the block's coroutines; blocks run one after another;
 *   - pouw_mma_m16n8k32 (replacing the kernel's inline PTX, POUW_SHIM_MMA) collects the warp's
 *     fragments, rebuilds A (16x32), B (32x8) and C (16x8) from the PTX ISA's documented s8 layouts,
 *     and hands every lane its four results.
 * Include it first (it defines _GNU_SOURCE for ucontext). Blocks must be whole warps (blockDim.x a
 * multiple of 32, y = z = 1), every lane of a warp must reach the same collectives, full masks only.
 */
#ifndef CUDA_WARP_SHIM_H
#define CUDA_WARP_SHIM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

#define __global__
#define __device__
#define __host__
#define __forceinline__ static inline __attribute__((always_inline))
#define __launch_bounds__(...)
#define __shared__ static
#define __constant__ static
#define __align__(n) __attribute__((aligned(n)))

typedef struct {
    unsigned int x, y, z;
} dim3;

typedef struct __attribute__((aligned(16))) {
    unsigned int x, y, z, w;
} uint4;

#define SHIM_MAX_THREADS 1024
#define SHIM_STACK_BYTES (128 * 1024)

static dim3 gridDim, blockDim, blockIdx, threadIdx;

static ucontext_t shim_scheduler;
static ucontext_t shim_contexts[SHIM_MAX_THREADS];
static char* shim_stacks;
static int shim_finished[SHIM_MAX_THREADS];
static unsigned int shim_current;
static unsigned long long shim_progress;
static void (*shim_body)(void);

static unsigned int shim_block_count, shim_block_generation;
static unsigned int shim_warp_count[SHIM_MAX_THREADS / 32], shim_warp_generation[SHIM_MAX_THREADS / 32];

static void shim_fail(const char* message)
{
    fprintf(stderr, "cuda_warp_shim: %s (block %u,%u thread %u)\n", message, blockIdx.x, blockIdx.y, shim_current);
    exit(4);
}

static void shim_yield(void)
{
    swapcontext(&shim_contexts[shim_current], &shim_scheduler);
}

/* Arrive at a barrier of `lanes` threads; return once all of them have arrived. */
static void shim_barrier(unsigned int* count, unsigned int* generation, unsigned int lanes)
{
    const unsigned int mine = *generation;
    ++shim_progress;
    if (++*count == lanes) {
        *count = 0;
        ++*generation;
        return;
    }

    while (*generation == mine) {
        shim_yield();
    }
}

static void shim_warp_barrier(void)
{
    shim_barrier(&shim_warp_count[threadIdx.x / 32], &shim_warp_generation[threadIdx.x / 32], 32);
}

static void __syncwarp(unsigned int mask)
{
    if (mask != 0xffffffffu) {
        shim_fail("__syncwarp with a partial mask");
    }

    shim_warp_barrier();
}

static void __syncthreads(void)
{
    shim_barrier(&shim_block_count, &shim_block_generation, blockDim.x);
}

static unsigned int shim_exchange[SHIM_MAX_THREADS];

static unsigned int __shfl_xor_sync(unsigned int mask, unsigned int value, int lane_mask)
{
    if (mask != 0xffffffffu) {
        shim_fail("__shfl_xor_sync with a partial mask");
    }

    const unsigned int me = threadIdx.x;
    shim_exchange[me] = value;
    shim_warp_barrier();
    const unsigned int result = shim_exchange[(me & ~31u) | ((me & 31u) ^ ((unsigned int)lane_mask & 31u))];
    shim_warp_barrier();
    return result;
}

static unsigned int atomicAdd(unsigned int* address, unsigned int value)
{
    const unsigned int old = *address;
    *address = old + value;
    return old;
}

#define POUW_SHIM_MMA 1

static unsigned int shim_mma_a[SHIM_MAX_THREADS][4];
static unsigned int shim_mma_b[SHIM_MAX_THREADS][2];

static int shim_byte(unsigned int word, unsigned int i)
{
    return (int)(signed char)(unsigned char)(word >> (8u * (i & 3u)));
}

/* mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 d, a, b, d (PTX ISA, "Matrix Fragments for mma.m16n8k32"). */
static void pouw_mma_m16n8k32(int* d, unsigned int a0, unsigned int a1, unsigned int a2, unsigned int a3,
    unsigned int b0, unsigned int b1)
{
    const unsigned int me = threadIdx.x, base = me & ~31u;
    shim_mma_a[me][0] = a0;
    shim_mma_a[me][1] = a1;
    shim_mma_a[me][2] = a2;
    shim_mma_a[me][3] = a3;
    shim_mma_b[me][0] = b0;
    shim_mma_b[me][1] = b1;
    shim_warp_barrier();

    int a[16][32], b[32][8];
    for (unsigned int lane = 0; lane < 32; ++lane) {
        const unsigned int group = lane >> 2, in_group = lane % 4;
        for (unsigned int i = 0; i < 16; ++i) {
            const unsigned int row = (i < 4 || (i >= 8 && i < 12)) ? group : group + 8;
            const unsigned int col = i < 8 ? in_group * 4 + (i & 3) : in_group * 4 + (i & 3) + 16;
            a[row][col] = shim_byte(shim_mma_a[base + lane][i / 4], i);
        }

        for (unsigned int i = 0; i < 8; ++i) {
            const unsigned int row = i < 4 ? in_group * 4 + (i & 3) : in_group * 4 + (i & 3) + 16;
            b[row][group] = shim_byte(shim_mma_b[base + lane][i / 4], i);
        }
    }

    shim_warp_barrier();
    const unsigned int lane = me & 31u, group = lane >> 2, in_group = lane % 4;
    for (unsigned int i = 0; i < 4; ++i) {
        const unsigned int row = i < 2 ? group : group + 8;
        const unsigned int col = in_group * 2 + (i & 1);
        unsigned int sum = (unsigned int)d[i];
        for (unsigned int kk = 0; kk < 32; ++kk) {
            sum += (unsigned int)(a[row][kk] * b[kk][col]);
        }

        d[i] = (int)sum;
    }
}

static void shim_trampoline(void)
{
    shim_body();
    shim_finished[shim_current] = 1;
}

/* Runs body (which calls the kernel) as a <<<grid, block>>> launch. */
static void shim_launch(dim3 grid, dim3 block, void (*body)(void))
{
    if (block.x == 0 || block.x % 32 != 0 || block.x > SHIM_MAX_THREADS || block.y != 1 || block.z != 1) {
        fprintf(stderr, "cuda_warp_shim: block must be whole warps in x, got %u,%u,%u\n", block.x, block.y, block.z);
        exit(4);
    }

    if (shim_stacks == NULL) {
        shim_stacks = malloc((size_t)SHIM_MAX_THREADS * SHIM_STACK_BYTES);
        if (shim_stacks == NULL) {
            exit(3);
        }
    }

    gridDim = grid;
    blockDim = block;
    shim_body = body;
    for (blockIdx.z = 0; blockIdx.z < grid.z; ++blockIdx.z) {
        for (blockIdx.y = 0; blockIdx.y < grid.y; ++blockIdx.y) {
            for (blockIdx.x = 0; blockIdx.x < grid.x; ++blockIdx.x) {
                shim_block_count = 0;
                for (unsigned int w = 0; w < SHIM_MAX_THREADS / 32; ++w) {
                    shim_warp_count[w] = 0;
                }

                for (unsigned int t = 0; t < block.x; ++t) {
                    getcontext(&shim_contexts[t]);
                    shim_contexts[t].uc_stack.ss_sp = shim_stacks + (size_t)t * SHIM_STACK_BYTES;
                    shim_contexts[t].uc_stack.ss_size = SHIM_STACK_BYTES;
                    shim_contexts[t].uc_link = &shim_scheduler;
                    makecontext(&shim_contexts[t], shim_trampoline, 0);
                    shim_finished[t] = 0;
                }

                unsigned int alive = block.x;
                while (alive > 0) {
                    const unsigned long long before = shim_progress;
                    unsigned int ended = 0;
                    for (unsigned int t = 0; t < block.x; ++t) {
                        if (shim_finished[t]) {
                            continue;
                        }

                        shim_current = t;
                        threadIdx.x = t;
                        threadIdx.y = threadIdx.z = 0;
                        swapcontext(&shim_scheduler, &shim_contexts[t]);
                        if (shim_finished[t]) {
                            --alive;
                            ++ended;
                        }
                    }

                    if (alive > 0 && ended == 0 && shim_progress == before) {
                        shim_fail("deadlock: threads wait at collectives that not all of their warp or block reach");
                    }
                }
            }
        }
    }
}

#endif
