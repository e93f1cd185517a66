#!/usr/bin/env bash
# README command 1: install dependencies, build kiln, run its main job on the bundled example.
# Today the main job is `kiln-opt` canonicalizing examples/mlp_block.mlir (a small
# transformer MLP block with redundant identities the folders remove).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build="${KILN_BUILD_DIR:-$root/build}"
echo "== kiln-opt --canonicalize examples/mlp_block.mlir"
"$build/bin/kiln-opt" --canonicalize --mlir-elide-resource-strings-if-larger=64 \
  "$root/examples/mlp_block.mlir"
