//===- Pipelines.h - kiln's registered codegen pipelines -----*- C++ -*-===//
//
// `kiln-compile` runs exactly these pipelines; `kiln-opt --kiln-cpu-pipeline` replays
// them (DESIGN.md: every pipeline is registered).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_PIPELINES_H
#define KILN_CODEGEN_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace kiln {

/// The graph-level options both pipelines take (the graph passes are shared).
template <typename Derived>
struct GraphPipelineOptions : public mlir::PassPipelineOptions<Derived> {
  template <typename T>
  using Option = typename mlir::PassPipelineOptions<Derived>::template Option<T>;
  Option<bool> fusion{*this, "fusion",
                      llvm::cl::desc("Form kiln.fusion groups (--kiln-fuse) before outlining "
                                     "kernels; false keeps one kernel per op"),
                      llvm::cl::init(true)};
  Option<std::string> fusionReport{
      *this, "fusion-report",
      llvm::cl::desc("Write the fusion report (.json, .dot or .html) to this file"),
      llvm::cl::init("")};
  Option<std::string> precision{
      *this, "precision",
      llvm::cl::desc("fp32 (default), tf32, bf16 or fp16: the operand type of f32 matrix "
                     "products (kiln-mixed-precision; f32 accumulation, everything else "
                     "f32); tf32 keeps f32 tensors and the CUDA kernels multiply in tf32"),
      llvm::cl::init("fp32")};
};

struct CpuPipelineOptions : public GraphPipelineOptions<CpuPipelineOptions> {
  Option<std::string> stopAfter{
      *this, "stop-after",
      llvm::cl::desc("Last stage: kiln (outlined kernels), linalg (kernels on tensors), "
                     "bufferized (memory planned), llvm (LLVM dialect, the default)"),
      llvm::cl::init("llvm")};
  Option<int> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("The target's vector register width in bits: 512 (AVX-512, 32 "
                     "registers) or 256 (AVX2, 16 registers); sizes the matmul register "
                     "tiles and panels"),
      llvm::cl::init(512)};
};

/// kiln graph -> outlined kernels -> linalg on tensors -> bufferized kernels + memory
/// plan (`kiln.plan`) -> LLVM dialect kernels with the runtime's calling convention.
/// Fails to build (returns failure) only on an unknown `stopAfter`.
mlir::LogicalResult buildCpuPipeline(mlir::OpPassManager &pm,
                                     const CpuPipelineOptions &options);

struct CudaPipelineOptions : public GraphPipelineOptions<CudaPipelineOptions> {
  Option<std::string> stopAfter{
      *this, "stop-after",
      llvm::cl::desc("Last stage: kiln (outlined kernels), linalg (kernels on tensors), "
                     "bufferized (memory planned), gpu (gpu.func kernels with launch "
                     "dimensions), nvvm (LLVM + NVVM dialects, the default)"),
      llvm::cl::init("nvvm")};
  Option<std::string> cudaArch{*this, "cuda-arch",
                               llvm::cl::desc("sm_80 | sm_86 | sm_89 | sm_90a"),
                               llvm::cl::init("sm_80")};
};

/// kiln graph -> outlined kernels -> linalg on tensors (elementwise ops fused) ->
/// bufferized kernels + memory plan -> gpu.func kernels in `gpu.module @kiln_kernels`
/// with launch dimensions in `kiln.plan` -> LLVM/NVVM dialect (bare-pointer kernel
/// arguments), which lib/driver turns into PTX with LLVM's NVPTX backend.
mlir::LogicalResult buildCudaPipeline(mlir::OpPassManager &pm,
                                      const CudaPipelineOptions &options);

/// Registers `--kiln-cpu-pipeline` and `--kiln-cuda-pipeline` with kiln-opt.
void registerKilnPipelines();

} // namespace kiln

#endif // KILN_CODEGEN_PIPELINES_H
