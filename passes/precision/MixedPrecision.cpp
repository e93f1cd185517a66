//===- MixedPrecision.cpp - f32 contractions on 16-bit tensor cores --------===//
//
// `--precision=bf16|fp16` runs an f32 model's matrix products in 16 bits, the way
// PyTorch's autocast and TensorRT's reduced-precision modes do: every kiln.matmul whose
// operands and result are f32 becomes
//
//   cast(lhs -> T), cast(rhs -> T) -> matmul (T x T, f32 accumulation) -> cast(-> f32)
//
// with T bf16 or f16. Constant operands (weights) are converted here, once, rounding to
// nearest even, so no cast runs at inference time; the activation casts are elementwise
// ops that fusion folds into the neighbouring groups (the producer's epilogue, the
// product's epilogue). Everything else stays f32: elementwise chains, softmax, layer
// norm and every other reduction keep f32 arithmetic and f32 tensors. The products
// accumulate in f32 in every kernel kiln emits (tensor-core kernels on CUDA, the CPU
// microkernels), so only the operands and the product's result are rounded.
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/fusion/ConstantData.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APFloat.h"

#define DEBUG_TYPE "kiln-mixed-precision"

namespace kiln {
#define GEN_PASS_DEF_MIXEDPRECISIONPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// `v` (an f32 tensor) as a tensor of `elem`: a converted constant when `v` is an f32
/// constant, else a cast.
Value narrow(OpBuilder &b, Location loc, Value v, Type elem,
             DenseMap<Value, Value> &convertedConstants) {
  auto type = cast<RankedTensorType>(v.getType());
  auto narrowType = RankedTensorType::get(type.getShape(), elem);
  if (Value done = convertedConstants.lookup(v)) {
    return done;
  }
  if (auto constant = v.getDefiningOp<ConstantOp>()) {
    if (std::optional<SmallVector<float>> values = readF32(constant)) {
      const llvm::fltSemantics &sem = cast<FloatType>(elem).getFloatSemantics();
      SmallVector<uint16_t> bits;
      bits.reserve(values->size());
      for (float f : *values) {
        bool lost;
        llvm::APFloat x(f);
        x.convert(sem, llvm::APFloat::rmNearestTiesToEven, &lost);
        bits.push_back(static_cast<uint16_t>(x.bitcastToAPInt().getZExtValue()));
      }
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointAfter(constant);
      auto attr = DenseElementsAttr::getFromRawBuffer(
          narrowType, ArrayRef<char>(reinterpret_cast<const char *>(bits.data()),
                                     bits.size() * sizeof(uint16_t)));
      Value narrowed = ConstantOp::create(b, constant.getLoc(), cast<ElementsAttr>(attr));
      convertedConstants[v] = narrowed;
      return narrowed;
    }
  }
  return CastOp::create(b, loc, narrowType, v);
}

struct MixedPrecisionPass : public impl::MixedPrecisionPassBase<MixedPrecisionPass> {
  using Base::Base;

  void runOnOperation() override {
    Operation *root = getOperation();
    MLIRContext *ctx = root->getContext();
    Type elem;
    if (precision == "bf16") {
      elem = BFloat16Type::get(ctx);
    } else if (precision == "fp16") {
      elem = Float16Type::get(ctx);
    } else if (precision != "fp32") {
      root->emitError("kiln-mixed-precision: precision '")
          << precision << "' is not fp32, bf16 or fp16";
      return signalPassFailure();
    }
    if (!elem) {
      return; // fp32: the model as it is
    }
    SmallVector<MatmulOp> products;
    root->walk([&](MatmulOp op) {
      auto isF32 = [](Value v) { return getElementTypeOrSelf(v.getType()).isF32(); };
      if (isF32(op.getLhs()) && isF32(op.getRhs()) && isF32(op.getOutput())) {
        products.push_back(op);
      }
    });
    DenseMap<Value, Value> convertedConstants;
    for (MatmulOp op : products) {
      OpBuilder b(op);
      Location loc = op.getLoc();
      Value lhs = narrow(b, loc, op.getLhs(), elem, convertedConstants);
      Value rhs = narrow(b, loc, op.getRhs(), elem, convertedConstants);
      auto resultType = cast<RankedTensorType>(op.getType());
      Operation *narrowOp = b.clone(*op);
      narrowOp->setOperands({lhs, rhs});
      narrowOp->getResult(0).setType(RankedTensorType::get(resultType.getShape(), elem));
      Value wide = CastOp::create(b, loc, resultType, narrowOp->getResult(0));
      op.getOutput().replaceAllUsesWith(wide);
      op.erase();
    }
    for (auto [wideConstant, narrowed] : convertedConstants) {
      if (wideConstant.use_empty()) {
        wideConstant.getDefiningOp()->erase();
      }
    }
  }
};

} // namespace
} // namespace kiln
