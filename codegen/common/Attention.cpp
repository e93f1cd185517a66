//===- Attention.cpp - the attention computed by an attention kernel --------===//
//
// The matcher shared by kiln-cpu-lower-attention and kiln-cuda-describe-attention (see
// Attention.h). It walks backwards from the softmax: the chain between the scores
// matmul and the softmax is scalings by scalar constants and at most one additive mask,
// which kiln-fuse (passes/fusion/Fuse.cpp) already checked when it formed the group;
// here the chain is only folded into `scale` and `maskScale`.
//
//===----------------------------------------------------------------------------===//
#include "codegen/common/Attention.h"
#include "passes/fusion/ConstantData.h"
#include "passes/fusion/Fuse.h"

using namespace mlir;

namespace kiln::codegen {

Traced trace(Value v, bool swapLast) {
  auto rank = cast<RankedTensorType>(v.getType()).getRank();
  Traced t{v, llvm::to_vector(llvm::seq<int64_t>(0, rank)), {}};
  while (Operation *def = t.source.getDefiningOp()) {
    if (auto transpose = dyn_cast<TransposeOp>(def)) {
      ArrayRef<int64_t> p = transpose.getPermutation();
      for (int64_t &d : t.perm) {
        d = p[d];
      }
      t.transposes.push_back(transpose);
      t.source = transpose.getInput();
    } else if (!t.widen && fusion::isWideningCast(def)) {
      t.widen = cast<CastOp>(def);
      t.source = t.widen.getInput();
    } else {
      break;
    }
  }
  if (swapLast) {
    std::swap(t.perm[rank - 2], t.perm[rank - 1]);
  }
  return t;
}

FailureOr<Attention> matchAttention(func::FuncOp fn) {
  Attention a;
  fn.walk([&](SoftmaxOp s) { a.softmax = s; });
  if (!a.softmax || a.softmax->use_empty()) {
    return failure();
  }
  // Backwards: scalings (by scalar constants) and at most one additive mask. Scalings
  // after the mask scale it too: softmax(b (a QK^T + M)) = softmax(ab QK^T + b M).
  Value v = a.softmax.getInput();
  while (!(a.qk = v.getDefiningOp<MatmulOp>())) {
    Operation *def = v.getDefiningOp();
    if (auto add = dyn_cast_or_null<AddOp>(def); add && !a.mask) {
      // The scores come from the chain (an op of the group); the mask from outside it
      // (a kernel argument or a constant).
      auto fromChain = [](Value x) {
        return isa_and_nonnull<MatmulOp, MulOp, DivOp>(x.getDefiningOp());
      };
      bool lhsIsChain = add.getLhs().getType() == v.getType() && fromChain(add.getLhs());
      if (!lhsIsChain && !fromChain(add.getRhs())) {
        return failure();
      }
      a.mask = lhsIsChain ? add.getRhs() : add.getLhs();
      a.maskScale = a.scale;
      a.chain.push_back(def);
      v = lhsIsChain ? add.getLhs() : add.getRhs();
      continue;
    }
    if (!isa_and_nonnull<MulOp, DivOp>(def)) {
      return failure();
    }
    bool lhsIsChain = def->getOperand(0).getType() == v.getType();
    std::optional<double> c = readScalarConstant(def->getOperand(lhsIsChain ? 1 : 0));
    if (!c) {
      return failure();
    }
    a.scale *= isa<DivOp>(def) ? 1.0 / *c : *c;
    a.chain.push_back(def);
    v = def->getOperand(lhsIsChain ? 0 : 1);
  }
  a.pv = dyn_cast<MatmulOp>(*a.softmax->getUsers().begin());
  if (!a.pv) {
    return failure();
  }
  a.q = trace(a.qk.getLhs(), false);
  a.kt = trace(a.qk.getRhs(), a.qk.getTransposeB());
  a.v = trace(a.pv.getRhs(), a.pv.getTransposeB());
  auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  if (ret.getNumOperands() != 1) {
    return failure();
  }
  a.result = ret.getOperand(0);
  Value wide = a.result;
  if (fusion::isNarrowingCast(wide.getDefiningOp())) {
    a.narrow = wide.getDefiningOp<CastOp>();
    wide = a.narrow.getInput();
  }
  int64_t rank = a.pv.getType().getRank();
  a.outPerm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  if (wide != a.pv.getResult()) {
    a.merge = wide.getDefiningOp<TransposeOp>();
    if (!a.merge || a.merge.getInput() != a.pv.getResult()) {
      return failure();
    }
    a.outPerm = llvm::to_vector(a.merge.getPermutation());
  }
  return a;
}

} // namespace kiln::codegen
