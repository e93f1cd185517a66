//===- NormalizeRowAxes.cpp - row reductions over the last dim -------------===//
//
// The CUDA row kernel reduces one last loop. A kiln.layer_norm over several trailing dims ([axis, rank), axis < rank - 1) is the same
// normalization over one dim of their product:
//
//   %y = kiln.layer_norm %x scale %g bias %b axis = 1 : [N, C, H, W] -> [N, C, H, W]
//
// becomes reshape(x -> [N, C*H*W]), layer_norm over the last dim with the parameters
// reshaped to [C*H*W], reshape back. axis = 0 normalizes everything: one row [1, n].
// A kiln.reduce over every dim is one over the last dim of a single row [1, n]. A
// kiln.softmax or kiln.log_softmax over axis k < rank - 1 runs over the last dim: through
// a reshape when every dim after k is 1 (free), else between the transpose moving k last
// and its inverse (two copies, which the row kernel's one read per row pays back only
// for long rows; correctness first).
// The CUDA pipeline runs it before fusion, so the reshapes are views at the kernel's
// boundary (inside a kernel, linalg's reshape propagation would expand the elementwise
// ops back to the original dims).
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

namespace kiln {
#define GEN_PASS_DEF_NORMALIZEROWAXESPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// Softmax-like `op` (softmax, log_softmax) over the last dim of its input.
template <typename SoftmaxLike>
void softmaxLast(SoftmaxLike op) {
  auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
  auto axis = static_cast<int64_t>(op.getAxis());
  if (!type || axis + 1 >= type.getRank()) {
    return;
  }
  OpBuilder b(op);
  Location loc = op.getLoc();
  ArrayRef<int64_t> shape = type.getShape();
  bool unitAfter = llvm::all_of(shape.drop_front(axis + 1), [](int64_t d) { return d == 1; });
  if (unitAfter && type.hasStaticShape()) {
    auto flat = RankedTensorType::get(shape.take_front(axis + 1), type.getElementType());
    Value x = ReshapeOp::create(b, loc, flat, op.getInput());
    auto s = SoftmaxLike::create(b, loc, flat, x, b.getI64IntegerAttr(axis));
    op.getResult().replaceAllUsesWith(ReshapeOp::create(b, loc, type, s.getResult()));
    op->erase();
    return;
  }
  SmallVector<int64_t> perm, inverse(type.getRank());
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (d != axis) {
      perm.push_back(d);
    }
  }
  perm.push_back(axis);
  SmallVector<int64_t> moved;
  for (auto [i, d] : llvm::enumerate(perm)) {
    moved.push_back(shape[d]);
    inverse[d] = static_cast<int64_t>(i);
  }
  auto movedType = RankedTensorType::get(moved, type.getElementType());
  Value x = TransposeOp::create(b, loc, movedType, op.getInput(), b.getDenseI64ArrayAttr(perm));
  auto s = SoftmaxLike::create(b, loc, movedType, x, b.getI64IntegerAttr(type.getRank() - 1));
  Value y = TransposeOp::create(b, loc, type, s.getResult(), b.getDenseI64ArrayAttr(inverse));
  op.getResult().replaceAllUsesWith(y);
  op->erase();
}

/// A reduction over every dim of a rank >= 2 input (LayerNormalization's Mean output over
/// axis 0): over the last dim of one row [1, n], reshaped back.
void reduceAllAsRow(ReduceOp op) {
  auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
  if (!type || !type.hasStaticShape() || type.getRank() < 2 ||
      op.getAxes().size() != static_cast<size_t>(type.getRank())) {
    return;
  }
  OpBuilder b(op);
  Location loc = op.getLoc();
  Value x = ReshapeOp::create(
      b, loc, RankedTensorType::get({1, type.getNumElements()}, type.getElementType()),
      op.getInput());
  auto rowType = RankedTensorType::get({1, 1}, getElementTypeOrSelf(op.getType()));
  auto r = ReduceOp::create(b, loc, rowType, op.getKindAttr(), x, b.getDenseI64ArrayAttr({1}),
                            b.getUnitAttr());
  op.getResult().replaceAllUsesWith(ReshapeOp::create(b, loc, op.getType(), r.getResult()));
  op->erase();
}

struct NormalizeRowAxesPass : public impl::NormalizeRowAxesPassBase<NormalizeRowAxesPass> {
  void runOnOperation() override {
    SmallVector<ReduceOp> reductions;
    getOperation()->walk([&](ReduceOp op) { reductions.push_back(op); });
    for (ReduceOp op : reductions) {
      reduceAllAsRow(op);
    }
    SmallVector<SoftmaxOp> softmaxes;
    SmallVector<LogSoftmaxOp> logSoftmaxes;
    getOperation()->walk([&](SoftmaxOp op) { softmaxes.push_back(op); });
    getOperation()->walk([&](LogSoftmaxOp op) { logSoftmaxes.push_back(op); });
    for (SoftmaxOp op : softmaxes) {
      softmaxLast(op);
    }
    for (LogSoftmaxOp op : logSoftmaxes) {
      softmaxLast(op);
    }
    SmallVector<LayerNormOp> norms;
    getOperation()->walk([&](LayerNormOp op) { norms.push_back(op); });
    for (LayerNormOp op : norms) {
      auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
      auto axis = static_cast<int64_t>(op.getAxis());
      if (!type || !type.hasStaticShape() || (axis != 0 && axis + 1 >= type.getRank())) {
        continue;
      }
      int64_t n = 1;
      for (int64_t d = axis; d < type.getRank(); ++d) {
        n *= type.getDimSize(d);
      }
      auto flatParam = [&](Value v) {
        auto t = v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
        return !v || (t && t.hasStaticShape() && t.getNumElements() == n);
      };
      if (!flatParam(op.getScale()) || !flatParam(op.getBias())) {
        continue;
      }
      OpBuilder b(op);
      Location loc = op.getLoc();
      SmallVector<int64_t> shape(type.getShape().take_front(axis));
      if (axis == 0) {
        shape.push_back(1);
      }
      shape.push_back(n);
      Type elem = type.getElementType();
      Value x = ReshapeOp::create(b, loc, RankedTensorType::get(shape, elem), op.getInput());
      auto flat = [&](Value v) -> Value {
        if (!v) {
          return v;
        }
        auto t = cast<RankedTensorType>(v.getType());
        return ReshapeOp::create(b, loc, RankedTensorType::get({n}, t.getElementType()), v);
      };
      auto norm = LayerNormOp::create(b, loc, x.getType(), x, flat(op.getScale()),
                                      flat(op.getBias()),
                                      b.getI64IntegerAttr(static_cast<int64_t>(shape.size()) - 1),
                                      op.getEpsilonAttr());
      Value y = ReshapeOp::create(b, loc, op.getType(), norm.getResult());
      op.getResult().replaceAllUsesWith(y);
      op->erase();
    }
  }
};

} // namespace
} // namespace kiln
