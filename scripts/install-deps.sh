#!/usr/bin/env bash
# Installs every Debian package kiln needs to build, test and benchmark.
# Idempotent: asks dpkg what is missing and only then runs `apt-get update` (once) and
# `apt-get install`. Nothing is downloaded from anywhere but Debian's package registry.
set -euo pipefail

PACKAGES=(
  # toolchain and build
  cmake ninja-build ccache clang-22 lld-22
  # clang's ASan/UBSan runtimes (scripts/test.sh builds the runtime with them)
  libclang-rt-22-dev
  # LLVM / MLIR 22 (libLLVM.so, libMLIR.so, mlir-tblgen, lit, FileCheck)
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  # tests
  libgtest-dev libgmock-dev
  # the fusion report's graph (kiln-compile --fusion-report=x.html renders it with dot)
  graphviz
  # later layers: ONNX import, Halide, test data, Python references
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata libhalide14-0-dev
  python3 python3-onnx python3-numpy python3-torch python3-torchvision
  # benchmark anchor: OpenBLAS (bench/matmul.py calls its cblas_sgemm directly)
  libopenblas0-pthread
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "kiln: all ${#PACKAGES[@]} Debian packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "kiln: installing ${missing[*]}"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
