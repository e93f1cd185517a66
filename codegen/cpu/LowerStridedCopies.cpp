//===- LowerStridedCopies.cpp - strided memref.copy as loops ----------------===//
//
// memref-to-llvm turns a copy between contiguous buffers into llvm.memcpy, but a copy
// involving a strided view (the interior of a padded buffer, a slice) into a call to
// `memrefCopy` from MLIR's C runner library, which artifacts cannot link against. Such
// copies become linalg.copy here, which the pipeline then lowers to loops like any other
// linalg op:
//   memref.copy %a, %b : memref<4x4xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
//   => linalg.copy ins(%a) outs(%b)
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "kiln-cpu-lower-strided-copies"

namespace kiln {
#define GEN_PASS_DEF_LOWERSTRIDEDCOPIESPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

bool isContiguous(Value v) {
  auto type = cast<MemRefType>(v.getType());
  return type.getLayout().isIdentity() || type.areTrailingDimsContiguous(type.getRank());
}

struct LowerStridedCopiesPass
    : public kiln::impl::LowerStridedCopiesPassBase<LowerStridedCopiesPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](memref::CopyOp copy) {
      if (isContiguous(copy.getSource()) && isContiguous(copy.getTarget())) {
        return;
      }
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(), copy.getTarget());
    });
  }
};

} // namespace
