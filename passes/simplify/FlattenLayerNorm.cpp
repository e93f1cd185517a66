//===- FlattenLayerNorm.cpp - layer norms over one trailing dim ------------===//
//
// A kiln.layer_norm over several trailing dims ([axis, rank), axis < rank - 1) is the same
// normalization over one dim of their product:
//
//   %y = kiln.layer_norm %x scale %g bias %b axis = 1 : [N, C, H, W] -> [N, C, H, W]
//
// becomes reshape(x -> [N, C*H*W]), layer_norm over the last dim with the parameters
// reshaped to [C*H*W], reshape back. axis = 0 normalizes everything: one row [1, n].
// The CUDA pipeline runs it before fusion: its row kernel reduces one last loop, and the
// reshapes are views at the kernel's boundary (inside a kernel, linalg's reshape
// propagation would expand the elementwise ops back to the original dims).
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"

#include "mlir/IR/Builders.h"

namespace kiln {
#define GEN_PASS_DEF_FLATTENLAYERNORMPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

struct FlattenLayerNormPass : public impl::FlattenLayerNormPassBase<FlattenLayerNormPass> {
  void runOnOperation() override {
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
