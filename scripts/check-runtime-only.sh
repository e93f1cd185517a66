#!/usr/bin/env bash
# Configures, builds and tests the runtime-only configuration in the given folder and
# proves it never looked for LLVM or MLIR: both find_package calls are disabled (any
# attempt is a configure error) and the cache must hold no LLVM_DIR / MLIR_DIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:?usage: check-runtime-only.sh BUILD_DIR}"
rm -rf "$build"
cxx="$(command -v clang++-22 || command -v c++)"
cc="$(command -v clang-22 || command -v cc)"
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja -DKILN_RUNTIME_ONLY=ON \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" \
  -DCMAKE_DISABLE_FIND_PACKAGE_LLVM=ON -DCMAKE_DISABLE_FIND_PACKAGE_MLIR=ON
if grep -E '^(LLVM_DIR|MLIR_DIR)[:=]' "$build/CMakeCache.txt" | grep -v NOTFOUND; then
  echo "error: the runtime-only configuration looked for LLVM/MLIR" >&2
  exit 1
fi
cmake --build "$build"
ctest --test-dir "$build" --output-on-failure
if grep -rqE '#include *[<"](llvm|mlir)/' "$root/lib/runtime" "$root/include/kiln/runtime.h"; then
  echo "error: the runtime includes an LLVM/MLIR header" >&2
  exit 1
fi
# CUDA is opened at run time (lib/runtime/CudaDriver.cpp): no CUDA header, no libcuda link.
if grep -rqE '#include *[<"]cuda' "$root/lib/runtime" "$root/include/kiln/runtime.h"; then
  echo "error: the runtime includes a CUDA header" >&2
  exit 1
fi
if readelf -d "$build/bin/kiln-run" | grep -qE 'NEEDED.*lib(cuda|cudart)'; then
  echo "error: kiln-run links the CUDA driver or runtime" >&2
  exit 1
fi
echo "runtime-only configuration: configured, built and tested without LLVM/MLIR or CUDA"
