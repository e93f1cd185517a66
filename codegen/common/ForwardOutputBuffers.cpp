//===- ForwardOutputBuffers.cpp - kernels compute into their outputs ---------===//
//
// Bufferization turns a kernel result that is a reshape of a fresh tensor into an
// allocation, the computation, and a final copy into the out-param:
//   %t = memref.alloc() : memref<16x64xf32>
//   linalg.matmul ... outs(%t)
//   %e = memref.expand_shape %t [[0, 1], [2]] : ... into memref<1x16x64xf32>
//   memref.copy %e, %out : memref<1x16x64xf32> to memref<1x16x64xf32>
// The computation can write the out-param directly, through the inverse reshape:
//   %t = memref.collapse_shape %out [[0, 1], [2]] : memref<1x16x64xf32> into memref<16x64xf32>
//   linalg.matmul ... outs(%t)
// This saves a copy per kernel and keeps reshapes of vectorized data out of the
// schedules (alias folding loops on such copies in MLIR 22).
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/KernelInfo.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

#define DEBUG_TYPE "kiln-forward-output-buffers"

namespace kiln {
#define GEN_PASS_DEF_FORWARDOUTPUTBUFFERSPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// Rewrites `memref.copy (reshape?(%alloc)), %arg` when the copy is the last use of
/// the allocation and the out-param is written nowhere else. Returns true on success.
bool forward(memref::CopyOp copy) {
  auto target = dyn_cast<BlockArgument>(copy.getTarget());
  if (!target || !isa<func::FuncOp>(target.getOwner()->getParentOp())) {
    return false;
  }
  Value source = copy.getSource();
  Operation *reshape = source.getDefiningOp();
  Value allocated = source;
  if (isa_and_nonnull<memref::ExpandShapeOp, memref::CollapseShapeOp>(reshape)) {
    allocated = reshape->getOperand(0);
  } else {
    reshape = nullptr;
  }
  auto alloc = allocated.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != copy->getBlock() ||
      !alloc.getType().getLayout().isIdentity() ||
      !cast<MemRefType>(target.getType()).getLayout().isIdentity()) {
    return false;
  }
  // The out-param has this copy as its only user; the allocation is not used after it
  // except to be freed.
  if (!target.hasOneUse()) {
    return false;
  }
  for (Operation *user : alloc->getUsers()) {
    // Users nested in loops (a work-item forall) count at their loop's position.
    Operation *at = copy->getBlock()->findAncestorOpInBlock(*user);
    if (user != reshape && !isa<memref::DeallocOp>(user) &&
        (!at || copy->isBeforeInBlock(at))) {
      return false;
    }
  }
  if (reshape && !reshape->hasOneUse()) {
    return false;
  }
  OpBuilder b(alloc);
  Value replacement;
  if (!reshape) {
    replacement = target;
  } else if (auto expand = dyn_cast<memref::ExpandShapeOp>(reshape)) {
    replacement = memref::CollapseShapeOp::create(b, alloc.getLoc(), target,
                                                  expand.getReassociationIndices());
  } else {
    auto collapse = cast<memref::CollapseShapeOp>(reshape);
    replacement = memref::ExpandShapeOp::create(b, alloc.getLoc(), alloc.getType().getShape(),
                                                target, collapse.getReassociationIndices());
  }
  if (replacement.getType() != alloc.getType()) {
    if (Operation *op = replacement.getDefiningOp()) {
      op->erase();
    }
    return false;
  }
  copy.erase();
  if (reshape) {
    reshape->erase();
  }
  for (Operation *user : llvm::make_early_inc_range(alloc->getUsers())) {
    if (isa<memref::DeallocOp>(user)) {
      user->erase();
    }
  }
  alloc.replaceAllUsesWith(replacement);
  alloc.erase();
  return true;
}

struct ForwardOutputBuffersPass
    : public kiln::impl::ForwardOutputBuffersPassBase<ForwardOutputBuffersPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (!fn->hasAttr(kiln::kKernelAttr)) {
        continue;
      }
      SmallVector<memref::CopyOp> copies(fn.getOps<memref::CopyOp>());
      for (memref::CopyOp copy : copies) {
        forward(copy);
      }
    }
  }
};

} // namespace
