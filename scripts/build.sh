#!/usr/bin/env bash
# Configures (once) and builds kiln with CMake + Ninja + ccache into ${KILN_BUILD_DIR:-build}.
# Uses clang-22 + lld-22 from the Debian packages; extra CMake arguments are passed through.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${KILN_BUILD_DIR:-$root/build}"

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE="${KILN_BUILD_TYPE:-Release}" \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DKILN_USE_LLD=ON "$@"
fi
cmake --build "$build"
