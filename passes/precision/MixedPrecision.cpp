//===- MixedPrecision.cpp - f32 contractions on 16-bit tensor cores --------===//
//
// `--precision=bf16|fp16` runs an f32 model's matrix products in 16 bits, the way
// PyTorch's autocast and TensorRT's reduced-precision modes do: every kiln.matmul whose
// operands and result are f32 becomes
//
//   cast(lhs -> T), cast(rhs -> T) -> matmul (T x T, f32 accumulation) -> cast(-> f32)
//
// with T bf16 or f16. Constant operands (weights) are converted here, once, rounding to
// nearest even, so no cast runs at inference time; an activation gets one cast, right
// after its definition, that every product reading it shares (the Q, K and V
// projections of one x read x converted once, not three times). The casts are
// elementwise ops that fusion folds into the neighbouring groups (the producer's
// epilogue, the product's epilogue). Everything else stays f32: elementwise chains,
// softmax, layer norm and every other reduction keep f32 arithmetic and f32 tensors.
// The products accumulate in f32 in every kernel kiln emits (tensor-core kernels on
// CUDA, the CPU microkernels), so only the operands and the product's result are
// rounded.
//
// Convolutions (`convolutions`, which the CUDA pipeline sets): a dense kiln.conv2d
// (groups = 1) is narrowed like a matmul, its bias too (the bias is the accumulator's
// starting value, rounded once); depthwise and grouped convolutions stay f32. The CPU
// pipeline keeps every convolution f32: its convolution kernels are f32 ones.
//
// Attention (keep-attention, which the pipelines set when they fuse): the two products
// of an attention group (fusion::matchAttentionGroup, the matcher kiln-fuse forms the
// group with) stay f32 so that the group still forms; each is marked
// `kiln.precision = "bf16" | "fp16"` (MixedPrecision.h) instead, and the attention
// kernel computes it in that precision: the CUDA flash-attention kernel does, the CPU
// lowering (kiln-cpu-lower-attention) computes it in f32, which is more accurate. With
// attention-io (CUDA) its Q, K and V are narrowed where they are produced and widened
// right where the group reads them; kiln-fuse takes the widening casts (and the
// narrowing of the result, which the product after it asks for) into the group, so the
// flash kernel reads and writes 16-bit tensors. A widened 16-bit tensor narrows to its
// source; a column slice of the concatenated QKV product is narrowed before the slices.
//
//===----------------------------------------------------------------------------===//
#include "passes/precision/MixedPrecision.h"
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/fusion/ConstantData.h"
#include "passes/fusion/Fuse.h"

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
/// constant, else a cast. One per value (`narrowed`), placed right after `v`'s definition
/// (at the start of its block for a block argument, after the casts of the arguments
/// before it), so that it dominates every product that reads `v`; `loc` is the first
/// such product's. A shared cast's location fuses those of all the products reading it,
/// so that the kernel it lands in names each of them.
Value narrow(OpBuilder &b, Location loc, Value v, Type elem, DenseMap<Value, Value> &narrowed) {
  if (Value done = narrowed.lookup(v)) {
    if (auto shared = done.getDefiningOp<CastOp>()) {
      shared->setLoc(FusedLoc::get(b.getContext(), {shared->getLoc(), loc}));
    }
    return done;
  }
  auto type = cast<RankedTensorType>(v.getType());
  auto narrowType = RankedTensorType::get(type.getShape(), elem);
  // A 16-bit tensor widened (a bf16 model's input, cast to f32): its source.
  if (auto widened = v.getDefiningOp<CastOp>();
      widened && widened.getInput().getType() == narrowType) {
    narrowed[v] = widened.getInput();
    return widened.getInput();
  }
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointAfterValue(v);
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    Block::iterator it = arg.getOwner()->begin();
    auto isArgCast = [&](Operation &op) {
      auto c = dyn_cast<CastOp>(op);
      return c && isa<BlockArgument>(c.getInput()) &&
             narrowed.lookup(c.getInput()) == c.getResult();
    };
    while (it != arg.getOwner()->end() && isArgCast(*it)) {
      ++it;
    }
    b.setInsertionPoint(arg.getOwner(), it);
  }
  Value result;
  auto constant = v.getDefiningOp<ConstantOp>();
  std::optional<SmallVector<float>> values;
  if (auto reshape = v.getDefiningOp<ReshapeOp>()) {
    // A reshaped activation (a pooled [N, C, 1, 1] flattened for the classifier): the
    // cast goes before the reshape, right after the value's producer, whose group then
    // takes it as an epilogue instead of a kernel of its own.
    Value input = narrow(b, loc, reshape.getInput(), elem, narrowed);
    result = ReshapeOp::create(b, reshape.getLoc(), narrowType, input);
  } else if (auto slice = v.getDefiningOp<SliceOp>();
             slice && llvm::all_of(slice.getInput().getUsers(), [&](Operation *user) {
               Value shared = narrowed.lookup(slice.getInput());
               return isa<SliceOp>(user) || (shared && user == shared.getDefiningOp());
             })) {
    // A column slice of the concatenated Q/K/V product (kiln-fuse-siblings): the cast
    // goes before the slices, so that the product's group takes it as an epilogue and
    // yields 16-bit slices (the slices end that group: kiln-fuse's columnSlices).
    Value input = narrow(b, loc, slice.getInput(), elem, narrowed);
    result = SliceOp::create(b, slice.getLoc(), narrowType, input, slice.getStarts(),
                             slice.getEnds(), slice.getSteps());
  } else if (constant && (values = readF32(constant))) {
    const llvm::fltSemantics &sem = cast<FloatType>(elem).getFloatSemantics();
    SmallVector<uint16_t> bits;
    bits.reserve(values->size());
    for (float f : *values) {
      bool lost;
      llvm::APFloat x(f);
      x.convert(sem, llvm::APFloat::rmNearestTiesToEven, &lost);
      bits.push_back(static_cast<uint16_t>(x.bitcastToAPInt().getZExtValue()));
    }
    auto attr = DenseElementsAttr::getFromRawBuffer(
        narrowType, ArrayRef<char>(reinterpret_cast<const char *>(bits.data()),
                                   bits.size() * sizeof(uint16_t)));
    result = ConstantOp::create(b, constant.getLoc(), cast<ElementsAttr>(attr));
  } else {
    result = CastOp::create(b, loc, narrowType, v);
  }
  narrowed[v] = result;
  return result;
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
    } else if (precision != "fp32" && precision != "tf32") {
      root->emitError("kiln-mixed-precision: precision '")
          << precision << "' is not fp32, tf32, bf16 or fp16";
      return signalPassFailure();
    }
    if (!elem) {
      return; // fp32, tf32 (f32 tensors; the CUDA kernels round products to tf32)
    }
    // The attention products first, while every product is still f32 (the matcher
    // requires f32 scores and values).
    DenseSet<Operation *> attention;
    SmallVector<OpOperand *> attentionReads; // Q, K, V of every attention (attention-io)
    if (keepAttention) {
      root->walk([&](SoftmaxOp softmax) {
        if (auto group = fusion::matchAttentionGroup(softmax)) {
          attention.insert(group->qk);
          attention.insert(group->pv);
          if (attentionIO) {
            llvm::append_range(attentionReads, group->inputs);
          }
        }
      });
    }
    auto isF32 = [](Value v) { return !v || getElementTypeOrSelf(v.getType()).isF32(); };
    SmallVector<Operation *> products;
    root->walk([&](Operation *op) {
      if (auto m = dyn_cast<MatmulOp>(op);
          m && isF32(m.getLhs()) && isF32(m.getRhs()) && isF32(m.getOutput())) {
        products.push_back(op);
      }
      // Dense convolutions only: a depthwise one has no product to put on tensor cores.
      if (auto c = dyn_cast<Conv2dOp>(op); c && convolutions && c.getGroups() == 1 &&
                                            isF32(c.getInput()) && isF32(c.getWeight()) &&
                                            isF32(c.getBias()) && isF32(c.getOutput())) {
        products.push_back(op);
      }
    });
    StringAttr marker = StringAttr::get(ctx, precision);
    DenseMap<Value, Value> narrowed;
    for (Operation *op : products) {
      if (attention.contains(op)) {
        op->setAttr(kPrecisionAttr, marker);
        continue;
      }
      OpBuilder b(op);
      Location loc = op->getLoc();
      // Every operand (matmul lhs, rhs; conv input, weight, bias) in 16 bits.
      SmallVector<Value> operands;
      for (Value v : op->getOperands()) {
        operands.push_back(narrow(b, loc, v, elem, narrowed));
      }
      auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
      Operation *narrowOp = b.clone(*op);
      narrowOp->setOperands(operands);
      narrowOp->getResult(0).setType(RankedTensorType::get(resultType.getShape(), elem));
      Value wide = CastOp::create(b, loc, resultType, narrowOp->getResult(0));
      op->getResult(0).replaceAllUsesWith(wide);
      op->erase();
    }
    // Attention inputs (attention-io): Q, K and V narrowed where they are produced (the
    // producer's group takes the cast), widened again right where the attention group
    // reads them (the group takes that cast in: the attention kernel reads 16 bits and
    // would round to them anyway). Not for a function argument: its cast would be a
    // kernel of its own. The attention's result needs nothing here: the product after it
    // narrows it, and the group takes that cast as its last member.
    for (OpOperand *use : attentionReads) {
      Value x = use->get();
      Value root = x;
      while (isa_and_nonnull<ReshapeOp, SliceOp>(root.getDefiningOp())) {
        root = root.getDefiningOp()->getOperand(0);
      }
      // Already read through a widening cast (a 16-bit tensor): the group takes it.
      if (isa<BlockArgument>(root) || !getElementTypeOrSelf(x.getType()).isF32() ||
          fusion::isWideningCast(x.getDefiningOp())) {
        continue;
      }
      OpBuilder b(use->getOwner());
      Value n = narrow(b, use->getOwner()->getLoc(), x, elem, narrowed);
      use->set(CastOp::create(b, use->getOwner()->getLoc(), x.getType(), n));
    }
    // Weights converted for every product that read them are dead in f32, and so are
    // widenings of 16-bit tensors, and reshapes and slices whose narrowed copies replaced them (a dead user would keep the
    // cast out of its producer's group: kiln-fuse fuses single-consumer edges). Until
    // nothing changes: a reshape of a slice is dead before the slice. An erased op is
    // only ever compared, never read again.
    SmallVector<Operation *> candidates;
    for (Value wide : llvm::make_first_range(narrowed)) {
      if (isa_and_nonnull<ConstantOp, ReshapeOp, SliceOp, CastOp>(wide.getDefiningOp())) {
        candidates.push_back(wide.getDefiningOp());
      }
    }
    DenseSet<Operation *> erased;
    for (bool changed = true; changed;) {
      changed = false;
      for (Operation *op : candidates) {
        if (!erased.contains(op) && op->use_empty()) {
          erased.insert(op);
          op->erase();
          changed = true;
        }
      }
    }
  }
};

} // namespace
} // namespace kiln
