#!/usr/bin/env bash
# Checks a CUDA machine before it serves: one command, run from anywhere in the repository (or inside the
# deploy/Dockerfile.worker-gpu image's build context), exit status 0 only when every check passes.
#
#   scripts/gpu-check.sh [--device N] [--pack NAME] [--models DIR] [--quick | --no-bench]
#
#   1. preflight   nvidia-smi sees a GPU; its driver supports CUDA 13 (ONNX Runtime Gpu.Linux 1.31.0 is the CUDA 13
#                  build); the CUDA 13 and cuDNN 9 libraries it loads are found. Each failure says what is missing.
#   2. provider    `pipeline pack verify --provider cuda` loads the pack on the CUDA execution provider. --provider cuda
#                  fails rather than falling back to CPU, and the report must name Cuda as the provider that ran.
#   3. parity      the same run's golden vectors (encoder ids, decoder and denoiser logits, the int8 denoiser if the
#                  pack has one) within the pack's tolerances, with TF32 off (NVIDIA_TF32_OVERRIDE=0: cuBLAS and cuDNN
#                  then never round fp32 matrix products to TF32's 10-bit mantissa, whatever ONNX Runtime asks for).
#   4. bench       `pipeline bench --provider cuda --no-reference`: forward rows/s by batch, engine images/s by steps.
#
# --device N picks the GPU (CUDA_VISIBLE_DEVICES=N: that GPU becomes device 0, the worker's default CudaDeviceId).
set -euo pipefail
cd "$(dirname "$0")/.."

device="" pack="emoji-32" models="" bench_mode="standard"
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --device) device="${2:?--device needs a GPU index}"; shift 2 ;;
        --pack) pack="${2:?--pack needs a pack name}"; shift 2 ;;
        --models) models="${2:?--models needs a folder}"; shift 2 ;;
        --quick) bench_mode="quick"; shift ;;
        --no-bench) bench_mode="none"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "gpu-check: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

step() { printf '\n== gpu-check: %s\n' "$*"; }
fail() { printf 'gpu-check: FAIL: %s\n' "$*" >&2; exit 1; }
ok() { printf 'gpu-check: ok: %s\n' "$*"; }

# ---------------------------------------------------------------------------------------------------- 1. preflight
step "preflight"
command -v nvidia-smi >/dev/null 2>&1 || fail "nvidia-smi not found: this machine has no NVIDIA driver (or it is not on PATH).
  A GPU worker needs an NVIDIA GPU with driver R580 or later (CUDA 13); in a container, run it with the NVIDIA
  Container Toolkit (docker run --gpus ..., compose profile gpu). Nothing to check on a CPU-only machine."
if [[ -n "$device" ]]; then
    export CUDA_VISIBLE_DEVICES="$device"
fi
gpus=$(nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader 2>&1) \
    || fail "nvidia-smi found no usable GPU: $gpus"
[[ -n "$gpus" ]] || fail "nvidia-smi lists no GPU"
ok "GPUs (index, name, driver, memory):"
sed 's/^/    /' <<<"$gpus"
cuda_version=$(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9][0-9]*\)\.\([0-9]*\).*/\1.\2/p' | head -1)
[[ -n "$cuda_version" ]] || fail "could not read the driver's CUDA version from nvidia-smi"
if (( ${cuda_version%%.*} < 13 )); then
    fail "the driver supports CUDA $cuda_version; ONNX Runtime Gpu.Linux 1.31.0 is built for CUDA 13 (driver R580 or later).
  Upgrade the driver, or keep this machine on CPU workers."
fi
ok "driver supports CUDA $cuda_version"

# The libraries ONNX Runtime's CUDA provider links (libonnxruntime_providers_cuda.so: cudart, cublas, cublasLt, curand)
# and loads at run time (cuDNN 9). The CUDA image (nvidia/cuda:13.x-cudnn-runtime) has them all.
found_lib() {
    local lib=$1 dir
    if ldconfig -p 2>/dev/null | grep -q "[[:space:]]$lib "; then return 0; fi
    IFS=: read -ra dirs <<<"${LD_LIBRARY_PATH:-}"
    for dir in "${dirs[@]}"; do [[ -n "$dir" && -e "$dir/$lib" ]] && return 0; done
    return 1
}
missing=()
for lib in libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libcudnn.so.9; do
    found_lib "$lib" || missing+=("$lib")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    fail "CUDA 13 / cuDNN 9 libraries not found (ldconfig, LD_LIBRARY_PATH): ${missing[*]}.
  Install the CUDA 13 runtime libraries and cuDNN 9 for CUDA 13 (NVIDIA's apt repository: cuda-libraries-13-0,
  libcudnn9-cuda-13), or run this inside the deploy/Dockerfile.worker-gpu image."
fi
ok "CUDA 13 and cuDNN 9 libraries found"
command -v dotnet >/dev/null 2>&1 || fail "dotnet not found: the .NET 10 SDK builds and runs the pipeline CLI"

# ---------------------------------------------------------------------------------------------------- build
step "building the pipeline CLI (Release)"
dotnet build src/Pipeline.Cli -c Release -v q --nologo >/dev/null || fail "dotnet build src/Pipeline.Cli failed"
pipeline() { dotnet run --project src/Pipeline.Cli -c Release --no-build -- "$@"; }
pack_args=("$pack" --provider cuda)
[[ -n "$models" ]] && pack_args+=(--models "$models")

# ---------------------------------------------------------------------------------------------------- 2 + 3
step "CUDA provider and golden parity, TF32 off: pipeline pack verify ${pack_args[*]}"
set +e
report=$(NVIDIA_TF32_OVERRIDE=0 pipeline pack verify "${pack_args[@]}" 2>&1)
verify_status=$?
set -e
printf '%s\n' "$report"
# The report's first line: "pack NAME on PROVIDER: PASS|FAIL"; a pack that did not load prints "pack NAME: FAIL".
if ! grep -Eq "^pack [^ ]+ on Cuda: " <<<"$report"; then
    fail "the CUDA execution provider did not load (with --provider cuda the CLI fails instead of falling back to CPU);
  ONNX Runtime's message is above. Usual causes: a library from the preflight list of a different major version,
  a GPU too old for this CUDA build, or CUDA_VISIBLE_DEVICES hiding every GPU."
fi
ok "CUDA execution provider loaded (pack $pack ran on Cuda)"
[[ $verify_status -eq 0 ]] || fail "golden parity on CUDA with TF32 off: a graph is outside its tolerance (FAIL lines above)"
ok "golden parity on CUDA with TF32 off"

# The worker keeps TF32 off through NVIDIA_TF32_OVERRIDE=0 (deploy/Dockerfile.worker-gpu) unless ONNX Runtime's
# CUDA provider is told use_tf32=0 itself; say which holds here, so a host that runs the worker otherwise knows.
if grep -rqs "use_tf32" src/Pipeline.Inference/; then
    ok "the CUDA sessions set use_tf32 themselves (src/Pipeline.Inference)"
else
    echo "gpu-check: note: src/Pipeline.Inference does not set the CUDA provider's use_tf32 option, whose ONNX Runtime"
    echo "  default is on: a worker keeps TF32 off only with NVIDIA_TF32_OVERRIDE=0 in its environment (the GPU image sets it)."
fi

# ---------------------------------------------------------------------------------------------------- 4. bench
if [[ "$bench_mode" == "none" ]]; then
    step "bench skipped (--no-bench)"
else
    bench_args=(bench --provider cuda --no-reference)
    [[ "$bench_mode" == "quick" ]] && bench_args+=(--quick)
    [[ "$pack" != "emoji-32" ]] && bench_args+=(--model "$pack")
    [[ -n "$models" ]] && bench_args+=(--models "$models")
    step "pipeline ${bench_args[*]} (TF32 off, as the GPU image serves)"
    NVIDIA_TF32_OVERRIDE=0 pipeline "${bench_args[@]}" || fail "pipeline bench failed (output above)"
fi

step "all checks passed on $(hostname)"
