//===- CostModel.h - what fusing an edge saves and costs ---------*- C++ -*-===//
//
// The fusion decisions of --kiln-fuse, in one place: an edge producer -> consumer is
// fused when the intermediate never has to exist in memory (its bytes written once and
// read once are saved), nothing is recomputed, and the modeled peak memory does not
// grow. Every refusal carries a reason, which the fusion report prints. Decisions depend
// only on the IR, so they are deterministic.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_PASSES_FUSION_COSTMODEL_H
#define KILN_PASSES_FUSION_COSTMODEL_H

#include "mlir/IR/Operation.h"

#include <cstdint>
#include <string>

namespace kiln::fusion {

/// The one op that uses `v` (possibly as several operands, `mul %x, %x`), or null when
/// there is none or several: fusing a single-consumer edge never recomputes `v`.
mlir::Operation *getSoleUser(mlir::Value v);

/// Bytes of a statically shaped tensor value, or -1 when its shape is dynamic.
int64_t tensorBytes(mlir::Value v);

/// An elementwise op that computes something (constants are folded into their users).
bool isElementwiseProducer(mlir::Operation *op);

/// The verdict on fusing `producer` into the group of its only consumer `consumer`.
struct EdgeDecision {
  bool fuse = false;
  /// Memory traffic the fusion removes: the intermediate written and read back.
  int64_t savedBytes = 0;
  /// Arithmetic repeated because of the fusion (0: single-consumer edges only).
  int64_t recomputeFlops = 0;
  /// Why not, when `fuse` is false ("opaque consumer", "several consumers", ...).
  std::string reason;
};

/// Epilogue edge: the value `v` (result of the group's last op) feeding `consumer`.
/// Fusable when `v` has `consumer` as its only user, `consumer` is elementwise, its
/// result has `v`'s shape (the epilogue runs on the accumulator tile as is) and every
/// shape is static.
EdgeDecision decideEpilogueEdge(mlir::Value v, mlir::Operation *consumer);

/// Prologue edge: the producer of operand `v` of a contraction, or of an op already in
/// its prologue (`consumer`): a transpose, a broadcast_to, or an elementwise op of at
/// most kPrologueFlops per element (dequantize, cast, a scaling, an activation). Fusable
/// when `v` has that one consumer and shapes are static: the contraction's tiles then
/// read the operand through the permutation or broadcast, or compute it per tile from
/// the producer's inputs (weight-only quantization reads the int8 weights, not f32).
/// An elementwise prologue is computed again for every tile of the contraction's other
/// dimension (`recomputeFlops` counts one pass), which is why only cheap ops qualify.
inline constexpr int64_t kPrologueFlops = 2;
EdgeDecision decidePrologueEdge(mlir::Value v, mlir::Operation *consumer);

/// Loop edge: an elementwise producer whose result `v` feeds an elementwise `consumer`
/// of the same shape, `v` used nowhere else.
EdgeDecision decideLoopEdge(mlir::Value v, mlir::Operation *consumer);

/// Row-reduction prologue edge: an elementwise producer's result `v` feeding the data
/// input (operand 0) of `reduction` (reduce, softmax, log_softmax, layer_norm,
/// global_pool). Fusable when the reduction is `v`'s one consumer and shapes are static:
/// each row is then computed from the prologue while it is in registers.
EdgeDecision decideRowPrologueEdge(mlir::Value v, mlir::Operation *reduction);

/// Arithmetic per element of an elementwise op, in FLOPs: 1 for add, mul, max, relu and
/// the like, 4 for div and sqrt, 20 for exp, log, erf, tanh, sigmoid, gelu, pow, sin, cos.
int64_t elementwiseFlops(mlir::Operation *op);

/// Recomputation: an elementwise `producer` whose result feeds several elementwise
/// consumers of its shape is cloned into each consumer's loop group when it costs at most
/// kRecomputeFlops per element. Saved: the result written once and read per consumer;
/// paid: its inputs read once more per extra consumer (`savedBytes` is the difference)
/// and `recomputeFlops`. The peak cannot grow: the result never exists.
inline constexpr int64_t kRecomputeFlops = 2;
EdgeDecision decideRecompute(mlir::Operation *producer);

/// Attention: the score matrix `scores` (the first matmul's result) flows through
/// `chain` (scaling, then softmax) into the second matmul. Fused, the group computes it
/// blockwise with an online softmax and never stores it: the saved bytes are the score
/// matrix written and read back once per op of the chain plus the first matmul's write
/// and the second's read. The peak guard compares the scores against the scratch a work
/// item keeps instead (`scratchBytes`: one block of scores and its row statistics).
/// Refused for dynamic or non-f32 scores.
/// Also refused when a sequence length has no block size (attentionBlock).
EdgeDecision decideAttention(mlir::Value scores, int64_t chainOps, int64_t scratchBytes);

/// The block of `length` (query rows or keys) an attention group is computed in on CPU:
/// the largest divisor in [8, 64] (a 64 x 64 score block is 16 KiB, in L1 beside the
/// blocks of Q, K^T and V), else the whole length up to 256; 0 when neither exists.
int64_t attentionBlock(int64_t length);

} // namespace kiln::fusion

#endif // KILN_PASSES_FUSION_COSTMODEL_H
