/*
 * Just enough of CUDA for a plain C11 compiler to build a kernel file and run its grid on one CPU
 * thread: the launch built-ins are globals the driver sets in nested loops, atomicAdd is a plain
 * add (one thread at a time), and the integer intrinsics follow the CUDA Math API's definitions.
 */
#ifndef CUDA_SHIM_H
#define CUDA_SHIM_H

#include <stdint.h>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __launch_bounds__(...)

typedef struct {
    unsigned int x, y, z;
} dim3;

static dim3 gridDim, blockDim, blockIdx, threadIdx;

static inline unsigned int atomicAdd(unsigned int* address, unsigned int value)
{
    const unsigned int old = *address;
    *address = old + value;
    return old;
}

/* Concatenate hi:lo, shift right by shift & 31 bits, return the least significant 32 bits. */
static inline unsigned int __funnelshift_r(unsigned int lo, unsigned int hi, unsigned int shift)
{
    const uint64_t wide = ((uint64_t)hi << 32) | lo;
    return (unsigned int)(wide >> (shift & 31u));
}

/* Result byte i is byte (s >> 4i) & 7 of the eight bytes y:x (x holds bytes 0..3). */
static inline unsigned int __byte_perm(unsigned int x, unsigned int y, unsigned int s)
{
    const uint64_t bytes = ((uint64_t)y << 32) | x;
    unsigned int result = 0;
    for (unsigned int i = 0; i < 4; ++i) {
        const unsigned int selector = (s >> (4 * i)) & 7u;
        result |= (unsigned int)((bytes >> (8 * selector)) & 0xffu) << (8 * i);
    }

    return result;
}

#endif
