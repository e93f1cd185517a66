#!/bin/bash
# emulate.sh MODEL TMP PRECISION TOLERANCE OUTPUTS [ARCH]: compiles MODEL for ARCH (sm_80 by
# default; sm_90a for the TMA + wgmma kernels) at PRECISION (an artifact and, with
# --emit=emulator, its kernels for the host), runs it on the CUDA emulator through
# kiln-run --device=cuda and compares with kiln-interpret's f32 outputs (the same random
# inputs) at TOLERANCE (atol and rtol), for each of its OUTPUTS. Needs KILN_CUDA_DRIVER
# (the fake libcuda).
set -e
model=$1 tmp=$2 precision=$3 tolerance=$4 outputs=$5 arch=${6:-sm_80}
refs=() expected=()
for ((i = 0; i < outputs; ++i)); do
  refs+=(--output=@"$tmp.ref$i.pb")
  expected+=(--expected-output=@"$tmp.ref$i.pb")
done
flags=(--target=cuda --cuda-arch="$arch" --precision="$precision")
kiln-compile "$model" "${flags[@]}" -o "$tmp.kiln"
kiln-compile "$model" "${flags[@]}" --emit=emulator -o "$tmp.so"
kiln-interpret "$model" --random-inputs=5 "${refs[@]}" > /dev/null
KILN_FAKE_CUDA_KERNELS="$tmp.so" kiln-run "$tmp.kiln" --device=cuda --random-inputs=5 \
  "${expected[@]}" --atol="$tolerance" --rtol="$tolerance"
