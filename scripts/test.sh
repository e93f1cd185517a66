#!/usr/bin/env bash
# README command 2: install dependencies, build kiln, run every test: the lit suite
# (check-kiln), the GoogleTest binaries under ctest, and the runtime-only configuration.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build="${KILN_BUILD_DIR:-$root/build}"
cmake --build "$build" --target check-kiln
