//===- DescribeAttention.cpp - what the flash-attention kernel reads ---------===//
//
// The CUDA flash-attention kernel (MapAttention.cpp, in kiln-cuda-map-kernels) replaces
// the body of an attention kernel after bufferization, when the body is a chain of
// linalg ops in which the attention is no longer easy to see. This pass reads it while
// the kernel is still kiln ops, through the matcher kiln-cpu-lower-attention uses
// (common/Attention.h), and records it on the function as `kiln.cuda.attention`:
//
//   q, k, v       the argument numbers of Q, K and V (heads split by the transposes of
//                 the group, which the kernel reads through `*_perm`);
//   mask          the argument number of the additive mask, -1 without one;
//   q_perm        logical dim i of Q [batch..., Sq, D] is dim q_perm[i] of argument q;
//   k_perm        the same for the logical K^T [batch..., D, Sk] (transpose_b included);
//   v_perm        the same for V [batch..., Sk, Dv];
//   out_perm      dim i of the kernel's result is logical dim out_perm[i] of
//                 O [batch..., Sq, Dv] (heads merged back);
//   scale, mask_scale   O = softmax(scale Q K^T + mask_scale M) V;
//   precision     of the products: the scores matmul's kiln.precision (what
//                 kiln-mixed-precision keep-attention marked), else the pipeline's.
//
// Argument numbers stay valid through bufferization: the result becomes one more
// argument, the last. The body is left as it is, so a kernel the flash kernel refuses
// still has its computation. An attention kernel that does not have this shape (an
// operand or the mask computed inside the kernel, several results, any op besides the
// attention's and its constants) is an error here, not a miscompile later.
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/Attention.h"
#include "codegen/common/KernelInfo.h"
#include "codegen/cuda/MapKernels.h"
#include "dialects/kiln/KilnOps.h"
#include "passes/precision/MixedPrecision.h"

#include "mlir/IR/Builders.h"

#define DEBUG_TYPE "kiln-cuda-describe-attention"

namespace kiln {
#define GEN_PASS_DEF_DESCRIBEATTENTIONPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// The argument number of `v` when it is an argument of `fn`'s entry block.
std::optional<int64_t> argumentNumber(func::FuncOp fn, Value v) {
  auto arg = dyn_cast_or_null<BlockArgument>(v);
  if (!arg || arg.getOwner() != &fn.getBody().front()) {
    return std::nullopt;
  }
  return arg.getArgNumber();
}

struct DescribeAttentionPass
    : public kiln::impl::DescribeAttentionPassBase<DescribeAttentionPass> {
  using Base::Base;

  void runOnOperation() override {
    if (precision != "fp32" && precision != "tf32" && precision != "bf16" &&
        precision != "fp16") {
      getOperation().emitError("kiln-cuda-describe-attention: precision '")
          << precision << "' is not fp32, tf32, bf16 or fp16";
      return signalPassFailure();
    }
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      auto scheme = fn->getAttrOfType<StringAttr>(kSchemeAttr);
      if (!fn->hasAttr(kKernelAttr) || fn.isDeclaration() || !scheme ||
          scheme.getValue() != "attention") {
        continue;
      }
      if (failed(describe(fn))) {
        return signalPassFailure();
      }
    }
  }

  LogicalResult describe(func::FuncOp fn) {
    auto refuse = [&](const Twine &why) {
      auto label = fn->getAttrOfType<StringAttr>(kLabelAttr);
      return fn.emitError("kiln-cuda-describe-attention: attention kernel ")
             << fn.getSymName() << " ("
             << (label && !label.getValue().empty() ? label.getValue() : "no ONNX node") << ") "
             << why << " (compile with --target=cpu)";
    };
    if (fn.getFunctionType().getNumResults() != 1) {
      return refuse("returns " + Twine(fn.getFunctionType().getNumResults()) +
                    " values; the flash-attention kernel writes one, the attention's result");
    }
    FailureOr<codegen::Attention> a = codegen::matchAttention(fn);
    if (failed(a)) {
      return refuse("does not hold matmul -> scale / mask -> softmax -> matmul with at "
                    "most one transpose after it");
    }
    // What kiln-fuse guarantees of the group, checked again: the kernel replaces the
    // whole body, so an op it does not compute must not be there.
    int64_t rank = a->pv.getType().getRank();
    if (a->pv.getLhs() != a->softmax.getResult() || a->pv.getTransposeA() ||
        a->qk.getTransposeA() || static_cast<int64_t>(a->softmax.getAxis()) != rank - 1) {
      return refuse("does not hold softmax(Q K^T) V with the softmax over the keys");
    }
    std::optional<int64_t> q = argumentNumber(fn, a->q.source);
    std::optional<int64_t> k = argumentNumber(fn, a->kt.source);
    std::optional<int64_t> v = argumentNumber(fn, a->v.source);
    for (auto [name, arg] : {std::pair("Q", q), std::pair("K", k), std::pair("V", v)}) {
      if (!arg) {
        return refuse(Twine("computes ") + name +
                      " inside the kernel; the flash-attention kernel reads Q, K and V "
                      "from kernel arguments, through transposes only");
      }
    }
    std::optional<int64_t> mask = a->mask ? argumentNumber(fn, a->mask) : int64_t{-1};
    if (!mask) {
      return refuse("adds a mask that is not a kernel argument (a constant or a value "
                    "computed inside the kernel)");
    }
    DenseSet<Operation *> attention{a->qk, a->softmax, a->pv};
    attention.insert(a->chain.begin(), a->chain.end());
    for (const codegen::Traced *t : {&a->q, &a->kt, &a->v}) {
      attention.insert(t->transposes.begin(), t->transposes.end());
      if (t->widen) {
        attention.insert(t->widen);
      }
    }
    if (a->merge) {
      attention.insert(a->merge);
    }
    if (a->narrow) {
      attention.insert(a->narrow);
    }
    for (Operation &op : fn.getBody().front().without_terminator()) {
      if (!attention.contains(&op) && !isa<ConstantOp>(op)) {
        return refuse("computes '" + op.getName().getStringRef() + "' besides the attention");
      }
    }
    auto precisionAttr = a->qk->getAttrOfType<StringAttr>(kPrecisionAttr);
    Builder b(fn.getContext());
    NamedAttribute entries[] = {
        b.getNamedAttr("q", b.getI64IntegerAttr(*q)),
        b.getNamedAttr("k", b.getI64IntegerAttr(*k)),
        b.getNamedAttr("v", b.getI64IntegerAttr(*v)),
        b.getNamedAttr("mask", b.getI64IntegerAttr(*mask)),
        b.getNamedAttr("q_perm", b.getDenseI64ArrayAttr(a->q.perm)),
        b.getNamedAttr("k_perm", b.getDenseI64ArrayAttr(a->kt.perm)),
        b.getNamedAttr("v_perm", b.getDenseI64ArrayAttr(a->v.perm)),
        b.getNamedAttr("out_perm", b.getDenseI64ArrayAttr(a->outPerm)),
        b.getNamedAttr("scale", b.getF64FloatAttr(a->scale)),
        b.getNamedAttr("mask_scale", b.getF64FloatAttr(a->maskScale)),
        b.getNamedAttr("precision", precisionAttr ? precisionAttr : b.getStringAttr(precision)),
    };
    fn->setAttr(cuda::kAttentionDescAttr, b.getDictionaryAttr(entries));
    return success();
  }
};

} // namespace
} // namespace kiln
