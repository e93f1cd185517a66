//===- Fuse.h - what kiln-fuse tells the passes before it -------*- C++ -*-===//
//
// Passes that run before kiln-fuse and must not break a group it will form ask it here,
// through the same matcher it forms the groups with, so that the two never disagree.
// kiln-mixed-precision keeps the products of an attention f32 (the attention group
// requires f32 scores and values) and records the precision on them instead.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_PASSES_FUSION_FUSE_H
#define KILN_PASSES_FUSION_FUSE_H

#include "dialects/kiln/KilnOps.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace kiln::fusion {

/// The attention group kiln-fuse would form around a softmax in a function where no
/// other group is formed yet (step 0 of Fuse.cpp: the scores matmul, scalings by scalar
/// constants and at most one additive mask, the softmax over the last axis, the values
/// matmul, every shape static f32 and accepted by the cost model).
struct AttentionGroup {
  MatmulOp qk, pv; // Q K^T and softmax(...) V
  /// Where the group reads Q, K and V from outside, in that order: the operand of the
  /// member that reads each (the head-splitting transpose the group takes, else the
  /// matmul). A widening kiln.cast (16-bit float to f32) put on such an operand joins
  /// the group, so the attention kernel reads the 16-bit tensor (kiln-mixed-precision
  /// attention-io).
  llvm::SmallVector<mlir::OpOperand *, 3> inputs;
};
std::optional<AttentionGroup> matchAttentionGroup(SoftmaxOp softmax);

/// A kiln.cast from a 16-bit float tensor to f32 (kiln-mixed-precision's widening).
bool isWideningCast(mlir::Operation *op);

/// A kiln.cast from f32 to a 16-bit float tensor.
bool isNarrowingCast(mlir::Operation *op);

} // namespace kiln::fusion

#endif // KILN_PASSES_FUSION_FUSE_H
