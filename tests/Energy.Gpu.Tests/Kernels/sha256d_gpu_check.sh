#!/usr/bin/env bash
# On the lent GPU machine, from the repository root:
#   bash tests/Energy.Gpu.Tests/Kernels/sha256d_gpu_check.sh
# Builds sha256d_gpu_check.cpp against the CUDA driver API and NVRTC, then runs it on
# Energy.Gpu/Kernels/sha256d.cu. Output (and the binary) go to $OUT when set.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cuda="${CUDA_HOME:-/usr/local/cuda}"
out="${OUT:-$(mktemp -d)}"
g++ -O2 -std=c++17 -I"$cuda/include" "$root/tests/Energy.Gpu.Tests/Kernels/sha256d_gpu_check.cpp" \
  -L"$cuda/lib64" -L"$cuda/targets/x86_64-linux/lib" -L"$cuda/lib64/stubs" -lnvrtc -lcuda -o "$out/sha256d_gpu_check"
nvidia-smi --query-gpu=name,clocks.sm,power.draw,temperature.gpu --format=csv | tee "$out/gpu-before.csv"
"$out/sha256d_gpu_check" "$root/Energy.Gpu/Kernels/sha256d.cu" 2>&1 | tee "$out/sha256d_gpu_check.log"
