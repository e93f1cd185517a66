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
echo "== kiln-translate --check examples/mlp_block.onnx"
"$build/bin/kiln-translate" --check "$root/examples/mlp_block.onnx"
echo "== kiln-translate --import-onnx examples/mlp_block.onnx"
"$build/bin/kiln-translate" --import-onnx "$root/examples/mlp_block.onnx" \
  --mlir-elide-resource-strings-if-larger=64
echo "== kiln-interpret examples/mlp_block.onnx --input=x=random:1"
"$build/bin/kiln-interpret" "$root/examples/mlp_block.onnx" --input=x=random:1
