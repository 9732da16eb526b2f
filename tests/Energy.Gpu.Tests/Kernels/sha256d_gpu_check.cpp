// Device check of Energy.Gpu/Kernels/sha256d.cu the way HeatGrid will run it: NVRTC compiles the
// file to a CUBIN for this GPU, the driver API loads it and launches sha256d_search with one
// pointer per argument (cuLaunchKernel). Run on the lent GPU machine with sha256d_gpu_check.sh.
// It checks the genesis nonce is found, compares an easy-target range with a CPU scan, and times
// the whole 2^32 nonce range for a few launch geometries. Exit code 0 only if every check passed.
#include <cuda.h>
#include <nvrtc.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// Sha256dKernelParameters.FromHeader(KnownBlocks.Genesis(), Target.DifficultyOne).Words
// (KernelSourceTests keeps this array equal to what the host code packs).
const unsigned int kGenesisWords[23] = {
    0xbc909a33, 0x6358bff0, 0x90ccac7d, 0x1e59caa8, 0xc3c8d8e9, 0x4f0103c8, 0x96b18736, 0x4719f91b,
    0x7ab4e0a4, 0xa979115f, 0xde845910, 0x1f8aee5c, 0xb7f888df, 0x238956e3, 0xaf5e1cba, 0x61ff4a77,
    0x094f2eab, 0xb5c8d987, 0x8bd2d587, 0x0ec2c145, 0x3050c043, 0x4989b609, 0x00000000,
};
const unsigned int kGenesisNonce = 2083236893u;
const int kTargetHighWord = 22;
// The genesis header's first 76 bytes (everything but the nonce), as serialized.
const char* const kGenesisHeaderHex =
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e"
    "67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d";

int failures = 0;

void check(CUresult result, const char* what)
{
    if (result != CUDA_SUCCESS) {
        const char* name = nullptr;
        cuGetErrorName(result, &name);
        std::fprintf(stderr, "%s failed: %s\n", what, name ? name : "?");
        std::exit(2);
    }
}

void expect(bool ok, const char* what)
{
    std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
    failures += ok ? 0 : 1;
}

// Plain FIPS 180-4 SHA-256 for the CPU side of the comparison.
const uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void compress(uint32_t state[8], const uint8_t block[64])
{
    uint32_t w[64];
    for (int t = 0; t < 16; ++t) {
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 | (uint32_t)block[4 * t + 2] << 8 | block[4 * t + 3];
    }
    for (int t = 16; t < 64; ++t) {
        const uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        const uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; ++t) {
        const uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[t] + w[t];
        const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d; state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

void sha256(const uint8_t* data, size_t length, uint8_t digest[32])
{
    uint32_t state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    uint8_t block[128] = {0};
    size_t done = 0;
    for (; done + 64 <= length; done += 64) {
        compress(state, data + done);
    }
    const size_t rest = length - done;
    std::memcpy(block, data + done, rest);
    block[rest] = 0x80;
    const size_t padded = rest + 9 <= 64 ? 64 : 128;
    const uint64_t bits = (uint64_t)length * 8;
    for (int i = 0; i < 8; ++i) {
        block[padded - 1 - i] = (uint8_t)(bits >> (8 * i));
    }
    for (size_t offset = 0; offset < padded; offset += 64) {
        compress(state, block + offset);
    }
    for (int i = 0; i < 32; ++i) {
        digest[i] = (uint8_t)(state[i / 4] >> (24 - 8 * (i % 4)));
    }
}

// The top 32 bits of SHA-256d(header with nonce) read as a little-endian number: bytes 28..31.
uint32_t hash_top_word(const uint8_t header76[76], uint32_t nonce)
{
    uint8_t header[80], first[32], second[32];
    std::memcpy(header, header76, 76);
    for (int i = 0; i < 4; ++i) {
        header[76 + i] = (uint8_t)(nonce >> (8 * i));
    }
    sha256(header, 80, first);
    sha256(first, 32, second);
    return (uint32_t)second[28] | (uint32_t)second[29] << 8 | (uint32_t)second[30] << 16 | (uint32_t)second[31] << 24;
}

struct Kernel {
    CUfunction function;
    CUdeviceptr out;
    unsigned int capacity;
};

// One launch over first..last; returns the kernel's count and fills the kept candidates.
unsigned int launch(const Kernel& k, const unsigned int words[23], unsigned int first, unsigned int last,
                    unsigned int threads, unsigned int per_thread, std::vector<unsigned int>* candidates)
{
    unsigned int w[23];
    std::memcpy(w, words, sizeof w);
    unsigned int nonces_per_thread = per_thread;
    unsigned int capacity = k.capacity;
    CUdeviceptr out = k.out;
    void* args[28];
    for (int i = 0; i < 23; ++i) {
        args[i] = &w[i];
    }
    args[23] = &first;
    args[24] = &last;
    args[25] = &nonces_per_thread;
    args[26] = &out;
    args[27] = &capacity;
    const unsigned long long nonces = (unsigned long long)(last - first) + 1;
    const unsigned long long per_block = (unsigned long long)threads * per_thread;
    const unsigned int blocks = (unsigned int)((nonces + per_block - 1) / per_block);
    check(cuMemsetD32(out, 0, 1), "cuMemsetD32");
    check(cuLaunchKernel(k.function, blocks, 1, 1, threads, 1, 1, 0, nullptr, args, nullptr), "cuLaunchKernel");
    check(cuCtxSynchronize(), "cuCtxSynchronize");
    std::vector<unsigned int> host(k.capacity + 1);
    check(cuMemcpyDtoH(host.data(), out, host.size() * sizeof(unsigned int)), "cuMemcpyDtoH");
    if (candidates != nullptr) {
        candidates->assign(host.begin() + 1, host.begin() + 1 + std::min(host[0], k.capacity));
    }
    return host[0];
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s path/to/sha256d.cu\n", argv[0]);
        return 2;
    }
    std::ifstream file(argv[1]);
    std::stringstream text;
    text << file.rdbuf();
    const std::string source = text.str();
    uint8_t header[76];
    for (int i = 0; i < 76; ++i) {
        header[i] = (uint8_t)std::strtoul(std::string(kGenesisHeaderHex + 2 * i, 2).c_str(), nullptr, 16);
    }

    CUdevice device;
    CUcontext context;
    check(cuInit(0), "cuInit");
    check(cuDeviceGet(&device, 0), "cuDeviceGet");
    char name[256];
    int major = 0, minor = 0, sms = 0;
    check(cuDeviceGetName(name, sizeof name, device), "cuDeviceGetName");
    check(cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device), "cc major");
    check(cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device), "cc minor");
    check(cuDeviceGetAttribute(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device), "SM count");
    check(cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
    check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    std::printf("device: %s, sm_%d%d, %d SMs\n", name, major, minor, sms);

    // NVRTC, as the .NET host will call it (NVRTC 13 rejects -O3; its default optimizes).
    const std::string arch = "--gpu-architecture=sm_" + std::to_string(major) + std::to_string(minor);
    const char* options[] = {arch.c_str(), "--ptxas-options=-v"};
    nvrtcProgram program;
    const auto compile_start = std::chrono::steady_clock::now();
    if (nvrtcCreateProgram(&program, source.c_str(), "sha256d.cu", 0, nullptr, nullptr) != NVRTC_SUCCESS) {
        return 2;
    }
    const nvrtcResult compiled = nvrtcCompileProgram(program, 2, options);
    const double compile_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - compile_start).count();
    size_t log_size = 0;
    nvrtcGetProgramLogSize(program, &log_size);
    std::string log(log_size, '\0');
    nvrtcGetProgramLog(program, &log[0]);
    std::printf("nvrtc %s in %.2f s; log:\n%s\n", nvrtcGetErrorString(compiled), compile_s, log.c_str());
    if (compiled != NVRTC_SUCCESS) {
        return 1;
    }
    size_t cubin_size = 0;
    nvrtcGetCUBINSize(program, &cubin_size);
    std::vector<char> cubin(cubin_size);
    nvrtcGetCUBIN(program, cubin.data());
    nvrtcDestroyProgram(&program);

    CUmodule module;
    Kernel k{};
    check(cuModuleLoadData(&module, cubin.data()), "cuModuleLoadData");
    check(cuModuleGetFunction(&k.function, module, "sha256d_search"), "cuModuleGetFunction(sha256d_search)");
    int regs = 0, local = 0;
    cuFuncGetAttribute(&regs, CU_FUNC_ATTRIBUTE_NUM_REGS, k.function);
    cuFuncGetAttribute(&local, CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, k.function);
    std::printf("registers/thread %d, local memory/thread %d bytes (non-zero means spills)\n", regs, local);
    k.capacity = 4096;
    check(cuMemAlloc(&k.out, (k.capacity + 1) * sizeof(unsigned int)), "cuMemAlloc");

    // 1. The genesis nonce in a range around it (difficulty-1 target, top word 0).
    std::vector<unsigned int> found;
    launch(k, kGenesisWords, kGenesisNonce - (1u << 22), kGenesisNonce + (1u << 22), 256, 64, &found);
    expect(std::find(found.begin(), found.end(), kGenesisNonce) != found.end(), "genesis nonce found around 2083236893");

    // 2. Easy target (top word 0x0000ffff): exactly the CPU's hits in 2^20 nonces, last nonce included.
    unsigned int easy[23];
    std::memcpy(easy, kGenesisWords, sizeof easy);
    easy[kTargetHighWord] = 0x0000ffffu;
    const unsigned int easy_first = 0xffffffffu - (1u << 20) + 1;
    std::vector<unsigned int> gpu_hits, cpu_hits;
    const unsigned int reported = launch(k, easy, easy_first, 0xffffffffu, 256, 100, &gpu_hits);
    for (unsigned long long n = easy_first; n <= 0xffffffffull; ++n) {
        if (hash_top_word(header, (uint32_t)n) <= 0x0000ffffu) {
            cpu_hits.push_back((unsigned int)n);
        }
    }
    std::sort(gpu_hits.begin(), gpu_hits.end());
    std::printf("easy target: gpu %u candidates, cpu %zu hits\n", reported, cpu_hits.size());
    expect(gpu_hits == cpu_hits && reported == cpu_hits.size(), "easy-target candidates equal the CPU scan");

    // 3. Throughput over all 2^32 nonces, 4 launches of 2^30, for several geometries.
    for (const unsigned int threads : {128u, 256u, 512u}) {
        int resident = 0;
        check(cuOccupancyMaxActiveBlocksPerMultiprocessor(&resident, k.function, (int)threads, 0), "occupancy");
        const unsigned long long grid_threads = (unsigned long long)resident * sms * threads;
        for (const unsigned int fixed : {0u, 4096u}) {
            // 0: one wave of resident blocks (Sha256dLaunchGeometry.FillingOneWave); else fixed nonces per thread.
            const unsigned int per_thread = fixed != 0 ? fixed : (unsigned int)(((1ull << 30) + grid_threads - 1) / grid_threads);
            launch(k, kGenesisWords, 0, (1u << 24) - 1, threads, per_thread, nullptr);
            unsigned long long candidates = 0;
            const auto start = std::chrono::steady_clock::now();
            for (unsigned long long first = 0; first < (1ull << 32); first += 1ull << 30) {
                candidates += launch(k, kGenesisWords, (unsigned int)first, (unsigned int)(first + (1ull << 30) - 1), threads, per_thread, nullptr);
            }
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::printf("threads %u, resident blocks/SM %d, nonces/thread %u: %.3f s, %.2f GH/s, %llu candidates\n",
                        threads, resident, per_thread, seconds, 4294967296.0 / seconds / 1e9, candidates);
        }
    }

    cuMemFree(k.out);
    cuModuleUnload(module);
    cuDevicePrimaryCtxRelease(device);
    std::printf("%s\n", failures == 0 ? "ALL CHECKS PASSED" : "SOME CHECKS FAILED");
    return failures == 0 ? 0 : 1;
}
