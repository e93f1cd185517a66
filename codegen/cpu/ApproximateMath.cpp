//===- ApproximateMath.cpp - vectorizable f32 math on the CPU ---------------===//
//
// exp, log, tanh, erf, sin, cos ... on f32 become polynomial approximations in plain
// arith ops (MLIR's math approximations, accurate to a few ulp), so that the loops
// computing them vectorize instead of calling libm once per element. f64 math keeps
// the LLVM intrinsics / libm calls (math-to-llvm, math-to-libm run later).
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "kiln-cpu-approximate-math"

namespace kiln {
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {
struct ApproximateMathPass : public kiln::impl::ApproximateMathPassBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      return signalPassFailure();
    }
  }
};
} // namespace
