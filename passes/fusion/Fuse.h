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

#include <optional>
#include <utility>

namespace kiln::fusion {

/// The two matrix products {Q K^T, softmax(...) V} of the attention group kiln-fuse
/// would form around `softmax` in a function where no other group is formed yet (step 0
/// of Fuse.cpp: the scores matmul, scalings by scalar constants and at most one additive
/// mask, `softmax` over the last axis, the values matmul, every shape static f32 and
/// accepted by the cost model), or nothing.
std::optional<std::pair<MatmulOp, MatmulOp>> attentionProducts(SoftmaxOp softmax);

} // namespace kiln::fusion

#endif // KILN_PASSES_FUSION_FUSE_H
