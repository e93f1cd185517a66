//===- LinalgBuilders.h - tensor and linalg building blocks -*- C++ -*-===//
//
// The structured-op shapes every kiln lowering is made of: destination tensors
// (tensor.empty + linalg.fill), elementwise linalg.generic ops whose indexing maps
// express numpy broadcasting, reshapes that drop or add unit dims, and one-input maps.
// All shapes are static (LowerKilnToLinalg checks this before any pattern runs).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_COMMON_LINALGBUILDERS_H
#define KILN_CODEGEN_COMMON_LINALGBUILDERS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

namespace kiln::codegen {

/// Body of a linalg.generic: receives the block arguments (inputs then outputs) and
/// returns the values to yield.
using BodyBuilder = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// tensor.empty of `shape` x `elementType`.
mlir::Value createEmptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                              llvm::ArrayRef<int64_t> shape, mlir::Type elementType);
/// tensor.empty + linalg.fill with `value`.
mlir::Value createFilledTensor(mlir::OpBuilder &b, mlir::Location loc,
                               llvm::ArrayRef<int64_t> shape, mlir::Type elementType,
                               mlir::TypedAttr value);

/// `n` parallel iterators.
llvm::SmallVector<mlir::utils::IteratorType> getParallelIterators(unsigned n);
/// `n` iterators, reduction at `reduced` and parallel elsewhere.
llvm::SmallVector<mlir::utils::IteratorType>
getReductionIterators(unsigned n, llvm::ArrayRef<int64_t> reduced);
/// (d0, ..., dn-1) -> (the dims not in `dropped`), e.g. the map from a reduction's loops
/// to its result.
mlir::AffineMap getDropDimsMap(unsigned n, llvm::ArrayRef<int64_t> dropped,
                               mlir::MLIRContext *ctx);
/// `shape` without the dims in `dropped`.
llvm::SmallVector<int64_t> dropDims(llvm::ArrayRef<int64_t> shape,
                                    llvm::ArrayRef<int64_t> dropped);

/// linalg.generic whose region yields what `body` returns.
mlir::linalg::GenericOp createGenericOp(mlir::OpBuilder &b, mlir::Location loc,
                                        mlir::TypeRange resultTypes, mlir::ValueRange inputs,
                                        mlir::ValueRange outputs,
                                        llvm::ArrayRef<mlir::AffineMap> maps,
                                        llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                                        BodyBuilder body);

/// Reassociation that collapses away the dims with `keep[d] == false` (all of unit
/// size): each kept dim groups with the dropped dims after it, leading dropped dims join
/// the first kept dim, and keeping nothing gives the empty reassociation (rank 0).
llvm::SmallVector<mlir::ReassociationIndices> getDropDimsReassociation(
    llvm::ArrayRef<bool> keep);

/// `value` with its unit dims at `keep[d] == false` collapsed away (no-op if none).
mlir::Value dropUnitDims(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                         llvm::ArrayRef<bool> keep);
/// `value` expanded to `shape`, which is value's shape with unit dims inserted.
mlir::Value insertUnitDims(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                           llvm::ArrayRef<int64_t> shape);

/// Prepares `operand` for being read at `loops` (the dims of an iteration space of
/// shape `loopShape`) with numpy broadcasting: operand dims right-align with the
/// trailing loops; a unit dim facing a loop of another size is collapsed away, so the
/// returned map stays a projected permutation:
///   operand tensor<1x3xf32> in loops [2, 3]  ->  tensor<3xf32>, (d0, d1) -> (d1).
mlir::Value broadcastOperand(mlir::OpBuilder &b, mlir::Location loc, mlir::Value operand,
                             llvm::ArrayRef<int64_t> loopShape, mlir::AffineMap &map);

/// linalg.generic over the result's shape with all-parallel loops: inputs broadcast to
/// `resultType` through their indexing maps; `body` gets one scalar per input and the
/// output element and returns the result element.
mlir::Value createElementwiseOp(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::RankedTensorType resultType, mlir::ValueRange inputs,
                                BodyBuilder body);

/// Same as createElementwiseOp with identity maps and one input, i.e. a map over the
/// elements of `input` to element type `resultElementType`.
mlir::Value createMapOp(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                        mlir::Type resultElementType, BodyBuilder body);

/// Pads the two trailing (spatial) dims of NCHW `input` for a sliding window producing
/// `outHW` positions: `before[i]` in front, and behind as much as the last window
/// reaches past the input, (out - 1) * stride + (kernel - 1) * dilation + 1 - in -
/// before (at least 0), so a named conv / pooling op reads every tap in bounds. Pad
/// elements hold `padValue`. Returns `input` when nothing needs padding.
mlir::Value padSpatialDims(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                           llvm::ArrayRef<int64_t> outHW, llvm::ArrayRef<int64_t> kernelHW,
                           llvm::ArrayRef<int64_t> strides,
                           llvm::ArrayRef<int64_t> dilations,
                           llvm::ArrayRef<int64_t> before, mlir::TypedAttr padValue);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_COMMON_LINALGBUILDERS_H
