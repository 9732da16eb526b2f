/*
 * Stand-ins for what NVRTC provides without includes (the CUDA keywords, the built-in variables,
 * uint4, __syncwarp, __shfl_xor_sync, atomicAdd), so that clang can compile a kernel file as CUDA C++ for sm_80
 * with no CUDA toolkit: the C++ front end and the NVPTX back end check what gcc's C build cannot
 * (C++ rules, the inline PTX operand constraints). clang declares __syncthreads itself.
 */
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __shared__ __attribute__((shared))
#define __constant__ __attribute__((constant))
#define __forceinline__ __inline__ __attribute__((always_inline))
#define __align__(n) __attribute__((aligned(n)))
#include "__clang_cuda_builtin_vars.h"
struct __attribute__((aligned(16))) uint4 { unsigned int x, y, z, w; };
__device__ inline unsigned int __shfl_xor_sync(unsigned int mask, unsigned int v, int lane) { return (unsigned int)__nvvm_shfl_sync_bfly_i32(mask, (int)v, lane, 0x1f); }
__device__ inline unsigned int atomicAdd(unsigned int* p, unsigned int v) { return __nvvm_atom_add_gen_i((int*)p, (int)v); }
__device__ inline void __syncwarp(unsigned int mask) { __nvvm_bar_warp_sync(mask); }
