//===- Pipelines.cpp - kiln's registered codegen pipelines ------------------===//
//
// The CPU pipeline, stage by stage. Upstream passes are spelled in pipeline syntax so
// the text here is what `kiln-opt` would take by hand (and what the recipes in
// ../shared/recipes use).
//
//===----------------------------------------------------------------------------===//
#include "codegen/Pipelines.h"
#include "codegen/Passes.h"
#include "passes/Passes.h"

#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace kiln {

namespace {
// Kernels on tensors -> kernels on memrefs writing their results into out-params; the
// host program keeps its allocations for the memory plan.
constexpr llvm::StringLiteral kBufferize =
    "one-shot-bufferize{bufferize-function-boundaries=1 "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-results-to-out-params{hoist-static-allocs=1},canonicalize,cse,"
    // CSE leaves `memref.copy %x, %x` where a result was reshaped back to the buffer it
    // was computed in (the packed matmul's expand/collapse): canonicalize erases it.
    "canonicalize";

// Kernels on memrefs -> LLVM dialect, bare pointers for memrefs (static shapes). bf16
// conversions become integer arithmetic (round to nearest even): LLVM would call
// compiler-rt's __truncsfbf2 on CPUs without AVX512-BF16, which kernels cannot link.
constexpr llvm::StringLiteral kLowerToLLVM =
    "buffer-deallocation-pipeline,kiln-cpu-lower-strided-copies,scf-forall-to-for,"
    "convert-vector-to-scf{full-unroll=1},convert-linalg-to-loops,kiln-cpu-approximate-math,"
    "arith-expand{include-bf16=true},"
    "fold-memref-alias-ops,expand-strided-metadata,lower-affine,convert-scf-to-cf,"
    "canonicalize,convert-vector-to-llvm,expand-strided-metadata,lower-affine,"
    "finalize-memref-to-llvm,convert-math-to-llvm,convert-math-to-libm,"
    "convert-arith-to-llvm,convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},"
    "convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts,"
    "kiln-cpu-emit-kernel-abi,canonicalize";

// gpu.func kernels -> LLVM + NVVM dialects inside the GPU module. Views fold into the
// loads and stores; memref arguments become bare pointers, one per plan binding. NVVM ops
// without an intrinsic (mbarrier.try_wait.parity, wgmma.mma_async) become inline PTX.
constexpr llvm::StringLiteral kCudaLowerToNVVM =
    "gpu.module(convert-nvgpu-to-nvvm,expand-strided-metadata,lower-affine,"
    "convert-scf-to-cf,canonicalize,"
    "convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv=1},convert-nvvm-to-llvm,"
    "canonicalize,cse,reconcile-unrealized-casts)";
} // namespace

/// The textual pipelines below name upstream and kiln passes: make sure they are
/// registered in processes other than kiln-opt (kiln-compile, the compile API).
static void registerPipelinePasses() {
  static const bool once = [] {
    registerAllPasses();
    registerKilnCodegenPasses();
    registerKilnPasses();
    return true;
  }();
  (void)once;
}

/// Graph passes both targets run: the rewrites fusion wants (unless disabled), the
/// precision of matrix products, fusion, then one kernel per group. Mixed precision runs
/// after BatchNorm folding (which reads f32 weights) and the raising of decomposed
/// softmaxes, so that it sees the attentions kiln-fuse will group and keeps their
/// products f32 for the attention kernel (keep-attention). `cudaKernels`: the CUDA
/// kernels also take dense convolutions in 16 bits, and attention groups reading and
/// writing 16-bit tensors (kiln-mixed-precision convolutions, attention-io).
static void addGraphPasses(OpPassManager &pm, bool fusion, const std::string &report,
                           const std::string &precision, bool contractionPrologues,
                           bool cudaKernels, bool attention = true,
                           bool flattenNorms = false) {
  if (fusion) {
    pm.addPass(createFoldBatchNormPass());
    pm.addPass(createRaiseDecompositionsPass());
  }
  if (flattenNorms) {
    pm.addPass(createNormalizeRowAxesPass());
  }
  if (fusion) {
    // Before mixed precision: the concatenated Q/K/V product is then narrowed as one.
    pm.addPass(createFuseSiblingsPass());
  }
  if (precision != "fp32") {
    pm.addPass(createMixedPrecisionPass(
        MixedPrecisionPassOptions{precision, fusion, /*convolutions=*/cudaKernels,
                                  /*attentionIO=*/cudaKernels}));
  }
  if (fusion) {
    // Without general prologues (CUDA), a convolution still takes the elementwise ops on
    // its input: both convolution kernels gather the input element by element.
    // The CUDA flash kernel holds head dims that are multiples of 16 up to 128.
    pm.addPass(createFusePass(FusePassOptions{report, contractionPrologues,
                                              /*convInputPrologues=*/!contractionPrologues,
                                              attention,
                                              /*attentionHeadDims=*/cudaKernels ? 128 : 0}));
  }
  pm.addPass(createOutlineKernelsPass());
}

LogicalResult buildCpuPipeline(OpPassManager &pm, const CpuPipelineOptions &options) {
  registerPipelinePasses();
  StringRef stop = options.stopAfter;
  if (stop != "kiln" && stop != "linalg" && stop != "bufferized" && stop != "llvm") {
    return failure();
  }
  addGraphPasses(pm, options.fusion, options.fusionReport, options.precision,
                 /*contractionPrologues=*/true, /*cudaKernels=*/false);
  if (stop == "kiln") {
    return success();
  }
  pm.addPass(createLowerAttentionPass());
  pm.addPass(createLowerKilnToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (stop == "linalg") {
    return success();
  }
  pm.addPass(createTileWorkItemsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createPackContractionsPass(PackContractionsPassOptions{options.vectorBits}));
  if (failed(parsePassPipeline(kBufferize, pm))) {
    return failure();
  }
  pm.addPass(createForwardOutputBuffersPass());
  pm.addPass(createPlanMemoryPass());
  pm.addPass(createDistributeWorkItemsPass());
  pm.addPass(
      createVectorizeContractionsPass(VectorizeContractionsPassOptions{options.vectorBits}));
  pm.addPass(createVectorizeWindowsPass(VectorizeWindowsPassOptions{options.vectorBits}));
  if (stop == "bufferized") {
    return success();
  }
  return parsePassPipeline(kLowerToLLVM, pm);
}

LogicalResult buildCudaPipeline(OpPassManager &pm, const CudaPipelineOptions &options) {
  registerPipelinePasses();
  StringRef stop = options.stopAfter;
  if (!llvm::is_contained({"kiln", "linalg", "bufferized", "gpu", "nvvm"}, stop)) {
    return failure();
  }
  // The tensor-core kernels stage A and B in shared memory exactly as they are in
  // memory (cp.async, TMA): a cast or transpose before a product runs as its own kernel
  // or in its producer's epilogue. A convolution's input is gathered instead, so the
  // elementwise ops feeding only it (the cast of a residual stream to bf16) join it.
  // The flash-attention kernel multiplies in bf16, fp16 or tf32: at fp32 an attention
  // runs as its batched products and its softmax on the CUDA cores.
  bool attention = options.precision == "bf16" || options.precision == "fp16" ||
                   options.precision == "tf32";
  // Layer norms over several dims become one over their product, softmaxes over another
  // axis run over the last (the row kernel reduces one last loop).
  addGraphPasses(pm, options.fusion, options.fusionReport, options.precision,
                 /*contractionPrologues=*/false, /*cudaKernels=*/true, attention,
                 /*flattenNorms=*/true);
  // What the flash-attention kernel needs to know of each attention kernel, recorded
  // while its body is still kiln ops (kiln-cuda-map-kernels reads it after
  // bufferization).
  pm.addPass(createDescribeAttentionPass(DescribeAttentionPassOptions{options.precision}));
  if (stop == "kiln") {
    return success();
  }
  // Convolutions stay named (on a padded input) for the implicit-GEMM and window
  // kernels, at every batch and precision.
  pm.addPass(createLowerKilnToLinalgPass(LowerKilnToLinalgPassOptions{/*convIm2col=*/false}));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // A loop group's chain of generics becomes one generic: one pass over memory.
  if (failed(parsePassPipeline("linalg-fuse-elementwise-ops,canonicalize,cse", pm))) {
    return failure();
  }
  if (stop == "linalg") {
    return success();
  }
  if (failed(parsePassPipeline(kBufferize, pm))) {
    return failure();
  }
  pm.addPass(createForwardOutputBuffersPass());
  pm.addPass(createPlanMemoryPass());
  if (stop == "bufferized") {
    return success();
  }
  pm.addPass(createMapKernelsToGpuPass(
      MapKernelsToGpuPassOptions{options.cudaArch, options.precision == "tf32"}));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (stop == "gpu") {
    return success();
  }
  return parsePassPipeline(kCudaLowerToNVVM, pm);
}

void registerKilnPipelines() {
  PassPipelineRegistration<CudaPipelineOptions>(
      "kiln-cuda-pipeline",
      "kiln graph -> CUDA kernels in the LLVM/NVVM dialects + memory plan and launch "
      "dimensions (what kiln-compile --target=cuda runs before the NVPTX backend)",
      [](OpPassManager &pm, const CudaPipelineOptions &options) {
        if (failed(buildCudaPipeline(pm, options))) {
          llvm::errs() << "kiln-cuda-pipeline: stop-after must be kiln, linalg, bufferized, "
                          "gpu or nvvm\n";
        }
      });
  PassPipelineRegistration<CpuPipelineOptions>(
      "kiln-cpu-pipeline",
      "kiln graph -> x86-64 kernels in the LLVM dialect + memory plan (what kiln-compile "
      "--target=cpu runs)",
      [](OpPassManager &pm, const CpuPipelineOptions &options) {
        if (failed(buildCpuPipeline(pm, options))) {
          llvm::errs() << "kiln-cpu-pipeline: stop-after must be kiln, linalg, bufferized "
                          "or llvm\n";
        }
      });
}

} // namespace kiln
