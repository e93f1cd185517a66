//===- Kernels.h - per-family op evaluators of the reference interpreter ---===//
//
// Each family file evaluates the ops of one fusion family. A family function returns
// std::nullopt if `op` is not one of its ops, failure() after emitting an error at the op,
// and success() with one result tensor per op result otherwise.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_INTERP_KERNELS_H
#define KILN_LIB_INTERP_KERNELS_H

#include "lib/interp/Interpreter.h"

#include <optional>

namespace kiln::interp {

using FamilyResult = std::optional<mlir::LogicalResult>;

/// Unary/binary elementwise math, cmp, select, and/or/not, cast, clip, gelu,
/// quantize, dequantize.
FamilyResult evalElementwise(mlir::Operation *op, llvm::ArrayRef<Tensor> operands,
                             llvm::SmallVectorImpl<Tensor> &results);
/// reduce, argmax, softmax, log_softmax, layer_norm, batch_norm, pool2d, global_pool.
FamilyResult evalReduction(mlir::Operation *op, llvm::ArrayRef<Tensor> operands,
                           llvm::SmallVectorImpl<Tensor> &results);
/// matmul, conv2d.
FamilyResult evalContraction(mlir::Operation *op, llvm::ArrayRef<Tensor> operands,
                             llvm::SmallVectorImpl<Tensor> &results);
/// constant, reshape, transpose, broadcast_to, concat, slice, gather, pad, split.
FamilyResult evalDataMovement(mlir::Operation *op, llvm::ArrayRef<Tensor> operands,
                              llvm::SmallVectorImpl<Tensor> &results);

/// Index helper: for an operand of `shape` broadcast (numpy rules) to `resultShape`,
/// the row-major strides to read it with (0 along broadcast dims).
llvm::SmallVector<int64_t> getBroadcastStrides(llvm::ArrayRef<int64_t> shape,
                                               llvm::ArrayRef<int64_t> resultShape);

} // namespace kiln::interp

#endif // KILN_LIB_INTERP_KERNELS_H
