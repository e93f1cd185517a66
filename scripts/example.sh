#!/usr/bin/env bash
# README command 1: install dependencies, build kiln, run its main job on the bundled
# example: compile examples/mlp_block.onnx (a LayerNorm + GELU MLP block with a
# residual) into a CPU artifact, inspect it, run it with kiln-run and check its output
# against the reference interpreter on the same seeded input, then time it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build="${KILN_BUILD_DIR:-$root/build}"
bin="$build/bin"
work="$build/example"
mkdir -p "$work"
model="$root/examples/mlp_block.onnx"
echo "== kiln-translate --check examples/mlp_block.onnx"
"$bin/kiln-translate" --check "$model"
echo "== kiln-compile examples/mlp_block.onnx -o mlp_block.kiln --timing"
"$bin/kiln-compile" "$model" -o "$work/mlp_block.kiln" --timing
echo "== kiln-run --inspect mlp_block.kiln"
"$bin/kiln-run" --inspect "$work/mlp_block.kiln"
echo "== kiln-interpret (reference) and kiln-run on input x=random:1"
"$bin/kiln-interpret" "$model" --input=x=random:1 --output=@"$work/reference.npy"
"$bin/kiln-run" "$work/mlp_block.kiln" --input=x=random:1 --output=@"$work/output.npy" \
  --expected-output=@"$work/reference.npy"
echo "== kiln-run --benchmark=50 --threads=2"
"$bin/kiln-run" "$work/mlp_block.kiln" --input=x=random:1 --benchmark=50 --threads=2
