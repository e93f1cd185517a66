//===- Attention.h - the attention computed by an attention kernel -*- C++ -*-===//
//
// A kernel outlined from an attention group (kiln-fuse, `kiln.scheme = "attention"`)
// holds, on kiln ops,
//
//   O = softmax(scale * Q K^T [+ maskScale * M]) V     per batch index (batch and heads),
//
// with Q, K^T and V reached through the group's transposes (heads split out of
// [B, S, H, D]) and O possibly merged back by one more transpose. Every target lowers it
// as one blockwise kernel rather than op by op: the CPU (kiln-cpu-lower-attention)
// rewrites the body into an online softmax on tensors, CUDA
// (kiln-cuda-describe-attention) records what a flash-attention kernel needs to know.
// Both read the kernel through the one matcher here, so they agree on what an attention
// kernel is.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_COMMON_ATTENTION_H
#define KILN_CODEGEN_COMMON_ATTENTION_H

#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"

namespace kiln::codegen {

/// A logical operand of the attention seen through the transposes before it: logical
/// dim k is dim perm[k] of `source`. `transposes` lists them from the operand back.
/// `widen` is the cast from a 16-bit `source` to f32 among them, or null (the group's
/// operands in 16 bits: kiln-mixed-precision attention-io); `source` is then 16-bit.
struct Traced {
  mlir::Value source;
  llvm::SmallVector<int64_t> perm;
  llvm::SmallVector<mlir::Operation *> transposes;
  CastOp widen;
};

/// `v` traced back through kiln.transpose ops and at most one widening kiln.cast (16-bit
/// float to f32); with `swapLast`, the logical operand is `v` with its last two dims
/// swapped (a matmul operand read with transpose_b).
Traced trace(mlir::Value v, bool swapLast);

/// The matched attention of one kernel.
struct Attention {
  MatmulOp qk, pv;
  SoftmaxOp softmax;
  llvm::SmallVector<mlir::Operation *> chain; // scalings and the mask add, consumers first
  double scale = 1.0;
  mlir::Value mask;                   // the additive mask, broadcasting to the scores, or null
  double maskScale = 1.0;             // the scalings after the mask
  Traced q, kt, v;                    // kt: the logical K^T [batch..., D, Sk]
  mlir::Value result;                 // the kernel's returned value
  llvm::SmallVector<int64_t> outPerm; // physical dim k of `result` is logical dim outPerm[k]
  TransposeOp merge;                  // the transpose merging the heads back, or null
  CastOp narrow; // the last op, f32 to 16 bits (attention-io), or null
};

/// The attention of kernel `fn`: its (last) softmax, the scalings and at most one
/// additive mask back to the scores matmul, the values matmul after it, and the kernel's
/// one returned value (that matmul's result, or one transpose of it, either possibly
/// narrowed to 16 bits by one kiln.cast). Fails when the
/// kernel holds anything else along that path or returns several values; it does not
/// check where Q, K, V and the mask come from (the callers do, each for its own needs).
mlir::FailureOr<Attention> matchAttention(mlir::func::FuncOp fn);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_COMMON_ATTENTION_H
