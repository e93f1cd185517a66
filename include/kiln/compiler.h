/*===- kiln/compiler.h - kiln compile API -------------------------------*- C -*-===*
 *
 * Compiles a model file (.onnx, or kiln IR as .mlir text/bytecode) into a `.kiln`
 * artifact, or into one of the intermediate forms for inspection. `kiln-compile` is a
 * thin command line over these functions; frameworks embed the same calls. No MLIR or
 * LLVM type appears here. Statuses come from kiln/runtime.h (NULL means success; the
 * message holds every diagnostic, each naming the model node and the stage).
 *===----------------------------------------------------------------------------------===*/
#ifndef KILN_COMPILER_H
#define KILN_COMPILER_H

#include "kiln/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kilnCompileOptionsImpl *kilnCompileOptions;

/* Defaults: target "cpu", cpu "host", -O3, emit "artifact". */
kilnStatus kilnCompileOptionsCreate(kilnCompileOptions *options);
void kilnCompileOptionsDestroy(kilnCompileOptions options);

/* "cpu" or "cuda" (PTX + cubin for one SM architecture, see SetCudaArch). */
kilnStatus kilnCompileOptionsSetTarget(kilnCompileOptions options, const char *target);
/* The SM architecture of the cuda target: "sm_80" (the default), "sm_86", "sm_89",
 * "sm_90a". The cubin is built for it; the PTX in the artifact also runs on newer GPUs
 * (not for "sm_90a", whose wgmma/TMA code runs on sm_90 only). */
kilnStatus kilnCompileOptionsSetCudaArch(kilnCompileOptions options, const char *arch);
/* "host", "x86-64-v3" (AVX2), "x86-64-v4" (AVX-512), or an LLVM CPU name ("znver4"). */
kilnStatus kilnCompileOptionsSetCpu(kilnCompileOptions options, const char *cpu);
/* 0..3: the LLVM optimization level of the generated code. */
kilnStatus kilnCompileOptionsSetOptLevel(kilnCompileOptions options, int level);
/* What to produce: "kiln" (kernels outlined), "linalg", "bufferized" (memory planned),
 * "llvm-mlir" (LLVM dialect), "llvm-ir", "asm", "artifact" (the default); for the cuda
 * target also "gpu" (gpu.func kernels with their launch dimensions) and "ptx" (= "asm"). */
kilnStatus kilnCompileOptionsSetEmit(kilnCompileOptions options, const char *stage);
/* Fixes the dynamic dims of input `name` (ONNX models), like trtexec --shapes. */
kilnStatus kilnCompileOptionsSetInputShape(kilnCompileOptions options, const char *name,
                                           const int64_t *dims, size_t rank);
/* Fixes graph input `name` to the tensor in `path` (.npy or ONNX .pb) at import, so
 * shape or parameter computations on it fold away; the input leaves the signature. */
kilnStatus kilnCompileOptionsSetConstantInput(kilnCompileOptions options, const char *name,
                                              const char *path);
/* Non-zero (the default): group ops into fused kernels (kiln.fusion, --kiln-fuse);
 * zero: one kernel per op, for comparison and bisecting (kiln-compile --no-fusion). */
kilnStatus kilnCompileOptionsSetFusion(kilnCompileOptions options, int enable);
/* Writes the fusion report to `path` during compilation: .json, .dot or .html (the graph
 * coloured by group, rendered by Graphviz when installed). NULL or "" for none. */
kilnStatus kilnCompileOptionsSetFusionReport(kilnCompileOptions options, const char *path);
/* "fp32" (the default), "bf16" or "fp16": the operand type f32 matrix products run in
 * (f32 accumulation; elementwise ops and reductions stay f32), as PyTorch's autocast;
 * "tf32": f32 tensors throughout, the CUDA target multiplies on tf32 tensor cores (as
 * torch.backends.cuda.matmul.allow_tf32), the CPU in f32. */
kilnStatus kilnCompileOptionsSetPrecision(kilnCompileOptions options, const char *precision);
/* Prints the time of every stage to stderr when non-zero. */
kilnStatus kilnCompileOptionsSetTiming(kilnCompileOptions options, int enable);
/* The command line to record in the artifact (for humans). */
kilnStatus kilnCompileOptionsSetFlags(kilnCompileOptions options, const char *flags);

/* Compiles `model_path` and writes the result to `output_path` ("-" for stdout, which
 * only text stages accept). */
kilnStatus kilnCompileFile(const char *model_path, kilnCompileOptions options,
                           const char *output_path);

#ifdef __cplusplus
}
#endif
#endif /* KILN_COMPILER_H */
