//===- FoldBatchNorm.cpp - inference BatchNorm into conv / matmul weights --===//
//
// An inference batch_norm whose input is a convolution or a 2-D matmul with constant
// weights is an affine map per output channel c,
//
//   y = f[c] * (z - mean[c]) + beta[c],   f[c] = scale[c] / sqrt(var[c] + eps),
//
// and z = W * x + b is linear in W and b, so
//
//   y = (f[c] W[c, ...]) * x + (f[c] (b[c] - mean[c]) + beta[c]).
//
// Folded at compile time, the BatchNorm disappears: no kernel, no pass over the feature
// map, and the conv's epilogue (ReLU, residual add) follows the conv directly. Torch's
// exporter folds Conv+BN itself in eval mode; models exported with
// training=PRESERVE, from TensorFlow, or written by hand keep them.
//
// Matched (everything f32 and static; the intermediate used only by the next op):
//   conv2d(x, W [O, I/g, kh, kw] const [, b [O] const]) -> batch_norm   (any groups)
//   matmul(x, W [K, N] const | W [N, K] const transpose_b) [-> add b [N] const]
//     -> batch_norm, the matmul's result of rank 2 (the channel dim 1 is N)
// with scale, bias, mean and variance constant. The folded values are computed in
// double and rounded once.
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/fusion/ConstantData.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>

#define DEBUG_TYPE "kiln-fold-batch-norm"

namespace kiln {
#define GEN_PASS_DEF_FOLDBATCHNORMPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// The per-channel affine map of a batch_norm with constant parameters.
struct ChannelAffine {
  SmallVector<double> factor; // scale / sqrt(var + eps)
  SmallVector<double> mean, beta;
};

std::optional<ChannelAffine> readBatchNorm(BatchNormOp bn) {
  std::optional<SmallVector<float>> scale = readF32(bn.getScale()),
                                    bias = readF32(bn.getBias()),
                                    mean = readF32(bn.getMean()),
                                    var = readF32(bn.getVariance());
  auto type = dyn_cast<RankedTensorType>(bn.getType());
  if (!scale || !bias || !mean || !var || !type || !type.hasStaticShape() ||
      type.getRank() < 2 || !type.getElementType().isF32()) {
    return std::nullopt;
  }
  size_t channels = type.getDimSize(1);
  if (scale->size() != channels || bias->size() != channels || mean->size() != channels ||
      var->size() != channels) {
    return std::nullopt;
  }
  double eps = bn.getEpsilon().convertToDouble();
  ChannelAffine a;
  for (size_t c = 0; c < channels; ++c) {
    double denominator = std::sqrt(static_cast<double>((*var)[c]) + eps);
    if (!(denominator > 0.0) || !std::isfinite(denominator)) {
      return std::nullopt; // a negative or NaN variance: leave the op to report it at run time
    }
    a.factor.push_back((*scale)[c] / denominator);
    a.mean.push_back((*mean)[c]);
    a.beta.push_back((*bias)[c]);
  }
  return a;
}

bool isStaticF32(Type t) {
  auto ranked = dyn_cast<RankedTensorType>(t);
  return ranked && ranked.hasStaticShape() && ranked.getElementType().isF32();
}

/// f (b - mean) + beta for every channel (b = 0 when there is no bias).
SmallVector<float> foldedBias(const ChannelAffine &a, ArrayRef<float> b) {
  SmallVector<float> out;
  for (size_t c = 0; c < a.factor.size(); ++c) {
    double bias = b.empty() ? 0.0 : b[c];
    out.push_back(static_cast<float>(a.factor[c] * (bias - a.mean[c]) + a.beta[c]));
  }
  return out;
}

void eraseIfDead(Value v) {
  if (Operation *def = v ? v.getDefiningOp() : nullptr; def && def->use_empty()) {
    def->erase();
  }
}

LogicalResult foldIntoConv(BatchNormOp bn, const ChannelAffine &a) {
  auto conv = bn.getInput().getDefiningOp<Conv2dOp>();
  if (!conv || !conv->hasOneUse() || !isStaticF32(conv.getType()) ||
      !isStaticF32(conv.getInput().getType()) || !isStaticF32(conv.getWeight().getType())) {
    return failure();
  }
  std::optional<SmallVector<float>> w = readF32(conv.getWeight());
  std::optional<SmallVector<float>> b;
  if (conv.getBias() && !(b = readF32(conv.getBias()))) {
    return failure();
  }
  auto wType = cast<RankedTensorType>(conv.getWeight().getType());
  size_t channels = a.factor.size();
  if (!w || wType.getDimSize(0) != static_cast<int64_t>(channels) ||
      (b && b->size() != channels)) {
    return failure();
  }
  size_t perChannel = w->size() / channels;
  for (size_t c = 0; c < channels; ++c) {
    for (size_t i = 0; i < perChannel; ++i) {
      float &v = (*w)[c * perChannel + i];
      v = static_cast<float>(a.factor[c] * v);
    }
  }
  OpBuilder builder(bn);
  Location loc = builder.getFusedLoc({conv.getLoc(), bn.getLoc()});
  Value weight = createF32Constant(builder, loc, wType, *w, "bn_folded_weight");
  Value bias = createF32Constant(
      builder, loc, RankedTensorType::get({static_cast<int64_t>(channels)}, builder.getF32Type()),
      foldedBias(a, b ? ArrayRef<float>(*b) : ArrayRef<float>()), "bn_folded_bias");
  OperationState state(loc, Conv2dOp::getOperationName());
  state.addOperands({conv.getInput(), weight, bias});
  state.addTypes(bn.getType());
  state.addAttributes(conv->getAttrs());
  Operation *folded = builder.create(state);
  bn.replaceAllUsesWith(folded->getResult(0));
  Value oldWeight = conv.getWeight(), oldBias = conv.getBias();
  bn->erase();
  conv->erase();
  eraseIfDead(oldWeight);
  eraseIfDead(oldBias);
  return success();
}

LogicalResult foldIntoMatmul(BatchNormOp bn, const ChannelAffine &a) {
  Value z = bn.getInput();
  auto add = z.getDefiningOp<AddOp>();
  MatmulOp mm;
  Value addend;
  if (add) {
    for (auto [mine, other] : {std::pair(add.getLhs(), add.getRhs()),
                               std::pair(add.getRhs(), add.getLhs())}) {
      if (auto m = mine.getDefiningOp<MatmulOp>(); m && !mm) {
        mm = m;
        addend = other;
      }
    }
    if (!mm || !add->hasOneUse() || add.getType() != mm.getType()) {
      return failure();
    }
  } else {
    mm = z.getDefiningOp<MatmulOp>();
  }
  size_t channels = a.factor.size();
  if (!mm || !mm->hasOneUse() || mm.getTransposeA() || !isStaticF32(mm.getType()) ||
      cast<RankedTensorType>(mm.getType()).getRank() != 2 ||
      !isStaticF32(mm.getLhs().getType()) || !isStaticF32(mm.getRhs().getType())) {
    return failure();
  }
  auto wType = cast<RankedTensorType>(mm.getRhs().getType());
  std::optional<SmallVector<float>> w = readF32(mm.getRhs());
  std::optional<SmallVector<float>> b;
  if (addend) {
    auto bType = dyn_cast<RankedTensorType>(addend.getType());
    // A bias of [N] or [1, N]: one value per channel, broadcast over rows.
    if (!bType || bType.getNumElements() != static_cast<int64_t>(channels) ||
        bType.getShape().back() != static_cast<int64_t>(channels) ||
        !(b = readF32(addend))) {
      return failure();
    }
  }
  if (!w || wType.getRank() != 2) {
    return failure();
  }
  int64_t rows = wType.getDimSize(0), cols = wType.getDimSize(1);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t col = 0; col < cols; ++col) {
      size_t c = mm.getTransposeB() ? r : col; // the output channel of this weight
      float &v = (*w)[r * cols + col];
      v = static_cast<float>(a.factor[c] * v);
    }
  }
  OpBuilder builder(bn);
  SmallVector<Location> locs{mm.getLoc(), bn.getLoc()};
  if (add) {
    locs.push_back(add.getLoc());
  }
  Location loc = builder.getFusedLoc(locs);
  Value weight = createF32Constant(builder, loc, wType, *w, "bn_folded_weight");
  Value product = MatmulOp::create(builder, mm.getLoc(), mm.getType(), mm.getLhs(), weight,
                                   /*transpose_a=*/false, mm.getTransposeB());
  Value bias = createF32Constant(
      builder, loc, RankedTensorType::get({static_cast<int64_t>(channels)}, builder.getF32Type()),
      foldedBias(a, b ? ArrayRef<float>(*b) : ArrayRef<float>()), "bn_folded_bias");
  Value y = AddOp::create(builder, loc, bn.getType(), product, bias);
  bn.replaceAllUsesWith(y);
  Value oldWeight = mm.getRhs();
  bn->erase();
  if (add) {
    add->erase();
  }
  mm->erase();
  eraseIfDead(oldWeight);
  eraseIfDead(addend);
  return success();
}

struct FoldBatchNormPass : public impl::FoldBatchNormPassBase<FoldBatchNormPass> {
  void runOnOperation() override {
    SmallVector<BatchNormOp> norms;
    getOperation()->walk([&](BatchNormOp bn) { norms.push_back(bn); });
    for (BatchNormOp bn : norms) {
      std::optional<ChannelAffine> a = readBatchNorm(bn);
      if (!a) {
        continue;
      }
      SetVector<Value> parameters(llvm::from_range, bn->getOperands().drop_front());
      if (succeeded(foldIntoConv(bn, *a)) || succeeded(foldIntoMatmul(bn, *a))) {
        for (Value p : parameters) {
          eraseIfDead(p);
        }
      }
    }
  }
};

} // namespace
} // namespace kiln
