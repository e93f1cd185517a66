//===- ApproximateMath.cpp - vectorizable f32 math on the CPU ---------------===//
//
// exp, log, tanh, erf, sin, cos ... on f32 become polynomial approximations in plain
// arith ops (MLIR's math approximations, accurate to a few ulp), so that the loops
// computing them vectorize instead of calling libm once per element. f64 math keeps
// the LLVM intrinsics / libm calls (math-to-llvm, math-to-libm run later).
//
// erf on f32 is kiln's own (RationalErf): the odd/even rational approximation of degree
// 13/8 on [-4, 4] whose coefficients XLA and Eigen use (erf(x) = x P(x^2) / Q(x^2), x
// clamped to [-4, 4], beyond which erf is +-1 in f32): 10 FMAs and one division, about a
// quarter of the instructions of MLIR's piecewise version (three intervals chosen by
// selects), which made GELU compute-bound. Max abs error against the interpreter's
// double erf in GELU: 4.8e-7.
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
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

struct RationalErf : OpRewritePattern<math::ErfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::ErfOp op, PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32()) {
      return failure();
    }
    Location loc = op.getLoc();
    auto constant = [&](float v) -> Value {
      Attribute attr = rewriter.getF32FloatAttr(v);
      if (auto vt = dyn_cast<VectorType>(type)) {
        attr = SplatElementsAttr::get(vt, attr);
      }
      return arith::ConstantOp::create(rewriter, loc, type, cast<TypedAttr>(attr));
    };
    // Horner's rule in x^2 from the highest coefficient down.
    auto horner = [&](Value x2, ArrayRef<float> coefficients) {
      Value acc = constant(coefficients.front());
      for (float c : coefficients.drop_front()) {
        acc = math::FmaOp::create(rewriter, loc, x2, acc, constant(c));
      }
      return acc;
    };
    Value x = arith::MaximumFOp::create(
        rewriter, loc, arith::MinimumFOp::create(rewriter, loc, op.getOperand(), constant(4.0f)),
        constant(-4.0f));
    Value x2 = arith::MulFOp::create(rewriter, loc, x, x);
    Value p = horner(x2, {-2.72614225801306e-10f, 2.77068142495902e-08f, -2.10102402082508e-06f,
                          -5.69250639462346e-05f, -7.34990630326855e-04f,
                          -2.95459980854025e-03f, -1.60960333262415e-02f});
    Value q = horner(x2, {-1.45660718464996e-05f, -2.13374055278905e-04f,
                          -1.68282697438203e-03f, -7.37332916720468e-03f,
                          -1.42647390514189e-02f});
    rewriter.replaceOpWithNewOp<arith::DivFOp>(op, arith::MulFOp::create(rewriter, loc, x, p),
                                               q);
    return success();
  }
};

struct ApproximateMathPass : public kiln::impl::ApproximateMathPassBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RationalErf>(&getContext(), /*benefit=*/2);
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      return signalPassFailure();
    }
  }
};
} // namespace
