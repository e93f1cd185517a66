#!/usr/bin/env bash
# README command 2: install dependencies, build kiln, run every test: the lit suite
# (check-kiln), the GoogleTest binaries under ctest, and the runtime-only configuration;
# then the runtime-only configuration once more under AddressSanitizer + UBSan.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build="${KILN_BUILD_DIR:-$root/build}"
cmake --build "$build" --target check-kiln

# The runtime parses untrusted artifact files, dlopens code from memory and runs kernels
# on its own threads: run its tests (runtime, tensorio, kiln-run's body) with ASan, LSan
# and UBSan, every UB report fatal. Only the runtime-only targets are built (no LLVM), in
# a folder of their own that is kept between runs, so with ccache this costs seconds
# after the first time.
asan="${build}-asan"
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cc=clang-22
cxx=clang++-22
# clang's sanitizer runtimes come in libclang-rt-22-dev (install-deps.sh installs it);
# GCC ships its own (libasan, libubsan): it is the fallback where clang's are missing.
# (Link into a scratch file, never -o /dev/null: a failing link deletes its output, and
# /dev/null with it.)
probe="$(mktemp -d)"
if ! echo 'int main() { return 0; }' |
    "$cxx" $sanitize -x c++ - -o "$probe/a.out" >"$probe/log" 2>&1; then
  echo "kiln: clang-22 has no sanitizer runtime here; the ASan/UBSan build uses GCC"
  cc=gcc
  cxx=g++
fi
rm -rf "$probe"
if [ ! -f "$asan/build.ninja" ] || ! grep -q "CMAKE_CXX_COMPILER:.*=.*$cxx\$" "$asan/CMakeCache.txt"; then
  rm -rf "$asan"
  cmake -S "$root" -B "$asan" -G Ninja -DKILN_RUNTIME_ONLY=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$(command -v "$cc")" -DCMAKE_CXX_COMPILER="$(command -v "$cxx")" \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DCMAKE_DISABLE_FIND_PACKAGE_LLVM=ON -DCMAKE_DISABLE_FIND_PACKAGE_MLIR=ON \
    -DCMAKE_C_FLAGS="$sanitize" -DCMAKE_CXX_FLAGS="$sanitize" \
    -DCMAKE_EXE_LINKER_FLAGS="$sanitize" -DCMAKE_SHARED_LINKER_FLAGS="$sanitize" \
    -DCMAKE_MODULE_LINKER_FLAGS="$sanitize"
fi
cmake --build "$asan"
UBSAN_OPTIONS=print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
  ctest --test-dir "$asan" --output-on-failure
echo "kiln: runtime tests passed under ASan + UBSan ($cxx)"
