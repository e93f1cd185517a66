//===- RaiseDecompositions.cpp - LayerNorm and GELU back from exporters ---===//
//
// Exporters spell LayerNorm and GELU as chains of small ops (torch.onnx before opset 17
// emits ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add; GELU as Div, Erf,
// Add, Mul, Mul). As chains they cost one kernel per reduction and keep a matmul's
// output alive for two consumers; raised back to kiln.layer_norm / kiln.gelu they are
// one row-reduction op and one elementwise op that joins the matmul's epilogue.
//
// Matched (operands of add / mul in either order):
//   LayerNorm over trailing axes [a, rank):
//     m = reduce mean x axes=[a..] keep_dims;  d = sub x, m
//     v = reduce mean (pow d, 2 | mul d, d) axes=[a..] keep_dims
//     n = div d, (sqrt (add v, eps))   [; mul n, gamma [; add _, beta]]
//     gamma / beta of shape x.shape[a:]; every intermediate used only inside the chain.
//   GELU (erf form): mul (mul x, (add (erf (div x, sqrt 2 | mul x, 1/sqrt 2)), 1)), 0.5
//     with the 0.5 also accepted on x: mul (mul x, 0.5), (add (erf ...), 1);
//   GELU (tanh form, approximate = tanh): the same with
//     tanh (sqrt(2/pi) * (x + 0.044715 * x^3)) in place of erf, x^3 as pow(x, 3) or
//     x * (x * x).
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/fusion/ConstantData.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <optional>

#define DEBUG_TYPE "kiln-raise-decompositions"

namespace kiln {
#define GEN_PASS_DEF_RAISEDECOMPOSITIONSPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

bool near(std::optional<double> v, double expected) {
  return v && std::fabs(*v - expected) <= 1e-5 * std::fabs(expected);
}

/// The operand of a binary op that is not `v` (binary ops are commutative here), or null.
template <typename Op>
Value other(Op op, Value v) {
  if (op.getLhs() == v) {
    return op.getRhs();
  }
  return op.getRhs() == v ? op.getLhs() : Value();
}

/// `reduce mean x axes = [a, ..., rank - 1] keep_dims`: returns a, or -1.
int64_t trailingMeanAxis(ReduceOp reduce, Value x) {
  if (!reduce || reduce.getInput() != x || reduce.getKind() != ReduceKind::mean ||
      !reduce.getKeepDims()) {
    return -1;
  }
  ArrayRef<int64_t> axes = reduce.getAxes();
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  if (axes.empty() || axes.back() != rank - 1) {
    return -1;
  }
  for (size_t i = 1; i < axes.size(); ++i) {
    if (axes[i] != axes[i - 1] + 1) {
      return -1;
    }
  }
  return axes.front();
}

struct RaiseLayerNorm : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DivOp div, PatternRewriter &rewriter) const override {
    auto sub = div.getLhs().getDefiningOp<SubOp>();
    auto sqrt = div.getRhs().getDefiningOp<SqrtOp>();
    if (!sub || !sqrt || !sqrt->hasOneUse()) {
      return failure();
    }
    Value x = sub.getLhs(), d = sub.getResult();
    auto mean = sub.getRhs().getDefiningOp<ReduceOp>();
    int64_t axis = trailingMeanAxis(mean, x);
    if (axis < 0 || !mean->hasOneUse() || x.getType() != d.getType() ||
        !isa<FloatType>(cast<RankedTensorType>(x.getType()).getElementType())) {
      return failure();
    }
    auto addEps = sqrt.getInput().getDefiningOp<AddOp>();
    if (!addEps || !addEps->hasOneUse()) {
      return failure();
    }
    ReduceOp var = addEps.getLhs().getDefiningOp<ReduceOp>();
    Value eps = addEps.getRhs();
    if (!var) {
      var = addEps.getRhs().getDefiningOp<ReduceOp>();
      eps = addEps.getLhs();
    }
    std::optional<double> epsilon = readScalarConstant(eps);
    if (!var || !var->hasOneUse() || !epsilon || var.getAxes() != mean.getAxes() ||
        !var.getKeepDims() || var.getKind() != ReduceKind::mean) {
      return failure();
    }
    Operation *square = var.getInput().getDefiningOp();
    bool squares = false;
    if (auto pow = dyn_cast_or_null<PowOp>(square)) {
      squares = pow.getLhs() == d && near(readScalarConstant(pow.getRhs()), 2.0);
    } else if (auto mul = dyn_cast_or_null<MulOp>(square)) {
      squares = mul.getLhs() == d && mul.getRhs() == d;
    }
    // d feeds the square and the division, nothing else.
    if (!squares || !square->hasOneUse() ||
        llvm::any_of(d.getUsers(), [&](Operation *u) { return u != square && u != div; })) {
      return failure();
    }
    // Optional affine tail with parameters of the normalized shape.
    auto normalized = cast<RankedTensorType>(x.getType()).getShape().drop_front(axis);
    auto isParameter = [&](Value p) {
      auto t = dyn_cast_or_null<RankedTensorType>(p ? p.getType() : Type());
      return t && t.getShape() == normalized && t.getElementType() ==
                                                     cast<RankedTensorType>(x.getType()).getElementType();
    };
    Operation *last = div;
    SmallVector<Location> locs = {mean.getLoc(), sub.getLoc(), square->getLoc(),
                                  var.getLoc(),  addEps.getLoc(), sqrt.getLoc(),
                                  div.getLoc()};
    Value scale, bias;
    if (div->hasOneUse()) {
      if (auto mul = dyn_cast<MulOp>(*div->getUsers().begin())) {
        Value g = other(mul, div.getResult());
        if (isParameter(g) && mul.getType() == x.getType()) {
          scale = g;
          last = mul;
          locs.push_back(mul.getLoc());
          if (mul->hasOneUse()) {
            if (auto add = dyn_cast<AddOp>(*mul->getUsers().begin())) {
              Value b = other(add, mul.getResult());
              if (isParameter(b) && add.getType() == x.getType()) {
                bias = b;
                last = add;
                locs.push_back(add.getLoc());
              }
            }
          }
        }
      }
    }
    rewriter.setInsertionPoint(last);
    auto ln = LayerNormOp::create(rewriter, rewriter.getFusedLoc(locs), x.getType(), x, scale,
                                  bias, rewriter.getI64IntegerAttr(axis),
                                  rewriter.getF64FloatAttr(*epsilon));
    rewriter.replaceOp(last, ln.getResult());
    return success();
  }
};

struct RaiseGelu : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;

  /// `x * x * x` as pow(x, 3) or two multiplications in any order: returns x, or null.
  static Value cubeOf(Value v) {
    Operation *op = v.getDefiningOp();
    if (!op || !op->hasOneUse()) {
      return {};
    }
    if (auto pow = dyn_cast<PowOp>(op)) {
      return near(readScalarConstant(pow.getRhs()), 3.0) ? pow.getLhs() : Value();
    }
    auto mul = dyn_cast<MulOp>(op);
    if (!mul) {
      return {};
    }
    for (auto [single, square] : {std::pair{mul.getLhs(), mul.getRhs()},
                                  std::pair{mul.getRhs(), mul.getLhs()}}) {
      auto sq = square.getDefiningOp<MulOp>();
      if (sq && sq->hasOneUse() && sq.getLhs() == single && sq.getRhs() == single) {
        return single;
      }
    }
    return {};
  }

  /// For the tanh form: `sqrt(2/pi) * (x + 0.044715 * x^3)` (products and the sum in
  /// either order): returns x, or null.
  static Value tanhArgument(Value v) {
    auto outer = v.getDefiningOp<MulOp>();
    if (!outer || !outer->hasOneUse()) {
      return {};
    }
    for (auto [c1, sum] : {std::pair{outer.getLhs(), outer.getRhs()},
                           std::pair{outer.getRhs(), outer.getLhs()}}) {
      auto add = sum.getDefiningOp<AddOp>();
      if (!near(readScalarConstant(c1), std::sqrt(2.0 / M_PI)) || !add || !add->hasOneUse()) {
        continue;
      }
      for (auto [x, term] : {std::pair{add.getLhs(), add.getRhs()},
                             std::pair{add.getRhs(), add.getLhs()}}) {
        auto scaled = term.getDefiningOp<MulOp>();
        if (!scaled || !scaled->hasOneUse()) {
          continue;
        }
        for (auto [c2, cube] : {std::pair{scaled.getLhs(), scaled.getRhs()},
                                std::pair{scaled.getRhs(), scaled.getLhs()}}) {
          if (near(readScalarConstant(c2), 0.044715) && cubeOf(cube) == x) {
            return x;
          }
        }
      }
    }
    return {};
  }

  /// `add (erf (x / sqrt 2 | x * 1/sqrt 2)), 1` or `add (tanh (tanhArgument)), 1`, in
  /// either order: returns x (and which form), or null.
  static Value onePlusErf(Value v, SmallVectorImpl<Location> &locs, GeluApproximation &form) {
    auto add = v.getDefiningOp<AddOp>();
    if (!add || !add->hasOneUse()) {
      return {};
    }
    for (auto [unary, one] : {std::pair{add.getLhs(), add.getRhs()},
                              std::pair{add.getRhs(), add.getLhs()}}) {
      Operation *op = unary.getDefiningOp();
      if (!isa_and_nonnull<ErfOp, TanhOp>(op) || !op->hasOneUse() ||
          !near(readScalarConstant(one), 1.0)) {
        continue;
      }
      locs.append({op->getLoc(), add.getLoc()});
      if (isa<TanhOp>(op)) {
        form = GeluApproximation::tanh;
        return tanhArgument(op->getOperand(0));
      }
      form = GeluApproximation::none;
      Operation *scaled = op->getOperand(0).getDefiningOp();
      if (!scaled || !scaled->hasOneUse()) {
        return {};
      }
      locs.push_back(scaled->getLoc());
      if (auto div = dyn_cast<DivOp>(scaled)) {
        return near(readScalarConstant(div.getRhs()), std::sqrt(2.0)) ? div.getLhs() : Value();
      }
      if (auto mul = dyn_cast<MulOp>(scaled)) {
        for (auto [x, c] : {std::pair{mul.getLhs(), mul.getRhs()},
                            std::pair{mul.getRhs(), mul.getLhs()}}) {
          if (near(readScalarConstant(c), 1.0 / std::sqrt(2.0))) {
            return x;
          }
        }
      }
      return {};
    }
    return {};
  }

  LogicalResult matchAndRewrite(MulOp outer, PatternRewriter &rewriter) const override {
    for (auto [innerValue, c] : {std::pair{outer.getLhs(), outer.getRhs()},
                                 std::pair{outer.getRhs(), outer.getLhs()}}) {
      auto inner = innerValue.getDefiningOp<MulOp>();
      if (!inner || !inner->hasOneUse()) {
        continue;
      }
      // x * 0.5 * (1 + erf(x / sqrt 2)): the 0.5 outside, or on x inside.
      for (auto [a, b] : {std::pair{inner.getLhs(), inner.getRhs()},
                          std::pair{inner.getRhs(), inner.getLhs()}}) {
        SmallVector<Location> locs;
        GeluApproximation form = GeluApproximation::none;
        Value x = onePlusErf(b, locs, form);
        if (!x) {
          continue;
        }
        // mul (mul x, 1 + erf), 0.5
        if (a != x || !near(readScalarConstant(c), 0.5) || outer.getType() != x.getType()) {
          continue;
        }
        locs.append({inner.getLoc(), outer.getLoc()});
        rewriter.setInsertionPoint(outer);
        auto gelu =
            GeluOp::create(rewriter, rewriter.getFusedLoc(locs), x.getType(), x, form);
        rewriter.replaceOp(outer, gelu.getResult());
        return success();
      }
      // mul (mul x, 0.5), (1 + erf(x / sqrt 2)).
      SmallVector<Location> locs;
      GeluApproximation form = GeluApproximation::none;
      Value x = onePlusErf(c, locs, form);
      if (x && inner.getType() == x.getType() && outer.getType() == x.getType() &&
          ((inner.getLhs() == x && near(readScalarConstant(inner.getRhs()), 0.5)) ||
           (inner.getRhs() == x && near(readScalarConstant(inner.getLhs()), 0.5)))) {
        locs.append({inner.getLoc(), outer.getLoc()});
        rewriter.setInsertionPoint(outer);
        auto gelu =
            GeluOp::create(rewriter, rewriter.getFusedLoc(locs), x.getType(), x, form);
        rewriter.replaceOp(outer, gelu.getResult());
        return success();
      }
    }
    return failure();
  }
};

struct RaiseDecompositionsPass
    : public impl::RaiseDecompositionsPassBase<RaiseDecompositionsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseLayerNorm, RaiseGelu>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      return signalPassFailure();
    }
  }
};

} // namespace
} // namespace kiln
