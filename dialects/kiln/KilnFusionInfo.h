//===- KilnFusionInfo.h - fusion classes and iteration spaces -*- C++ -*-===//
//
// The vocabulary of FusionOpInterface: the fusion class of an op and its iteration space
// (loops, iterator kinds, and an affine access map per operand and result). Included
// before the generated interface declarations.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KILN_KILNFUSIONINFO_H
#define KILN_DIALECTS_KILN_KILNFUSIONINFO_H

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace kiln {

/// What kind of kernel an op can be part of (DESIGN.md, Fusion).
enum class FusionClass {
  Elementwise,  ///< one output element from the same-index input elements
  Broadcast,    ///< replicates its input along new or size-1 dims
  Reduction,    ///< combines elements along some dims (also softmax, norms, pooling)
  Contraction,  ///< matmul, conv: a reduction over products, tiled main loop
  DataMovement, ///< reshape, transpose, slice, concat, gather, pad, split
  Opaque,       ///< anything fusion must not cross (ops of other dialects)
};

llvm::StringRef stringifyFusionClass(FusionClass cls);

/// Loops of an op and how they index its operands and results.
struct IterationSpace {
  /// One map per operand, then one per result, from the loop indices to element indices.
  llvm::SmallVector<mlir::AffineMap> indexingMaps;
  /// One entry per loop.
  llvm::SmallVector<mlir::utils::IteratorType> iteratorTypes;
};

/// Static fusion class of an op, read by FusionOpInterface's default implementation.
template <FusionClass C>
struct FusionClassTrait {
  template <typename ConcreteType>
  class Impl : public mlir::OpTrait::TraitBase<ConcreteType, Impl> {
  public:
    static constexpr FusionClass kFusionClass = C;
  };
};

/// The class of any op: its interface's answer, Opaque for everything else.
FusionClass getFusionClass(mlir::Operation *op);

namespace detail {
/// Elementwise ops (and constants): loops over the result shape, operands read through
/// broadcast maps. Other classes without their own implementation: failure.
mlir::FailureOr<IterationSpace> getDefaultIterationSpace(mlir::Operation *op,
                                                         FusionClass cls);
} // namespace detail

/// Map reading an operand of `operandShape` inside loops over `loopShape` with numpy
/// broadcasting: trailing dims align, size-1 dims that broadcast read index 0. Fails when a
/// dynamic dim leaves it unknown whether the dim broadcasts.
mlir::FailureOr<mlir::AffineMap> getBroadcastMap(llvm::ArrayRef<int64_t> operandShape,
                                                 llvm::ArrayRef<int64_t> loopShape,
                                                 mlir::MLIRContext *ctx);

} // namespace kiln

#endif // KILN_DIALECTS_KILN_KILNFUSIONINFO_H
