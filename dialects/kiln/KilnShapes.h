//===- KilnShapes.h - shape rules shared by kiln ops ---------*- C++ -*-===//
//
// Broadcasting, shape formatting for diagnostics, and result-type compatibility
// (a `?` dim is compatible with any size; element types must match exactly).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KILN_KILNSHAPES_H
#define KILN_DIALECTS_KILN_KILNSHAPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/TypeRange.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace kiln {

/// "2x3", "?x3"; "scalar" for rank 0.
std::string formatShape(llvm::ArrayRef<int64_t> shape);
/// "[0, 2]".
std::string formatList(llvm::ArrayRef<int64_t> values);

/// Same element types, same ranks, and every dim equal or dynamic on one side.
bool areCompatibleTensorTypes(mlir::TypeRange lhs, mlir::TypeRange rhs);

/// Numpy broadcast of two shapes; a dynamic dim against a static dim d > 1 gives d.
mlir::FailureOr<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                             llvm::ArrayRef<int64_t> b);

/// The first dim of `from` (in `from`'s numbering) that cannot numpy-broadcast to `to`,
/// or -1 if `from` broadcasts (a `?` on either side is given the benefit of the doubt).
/// A `from` of higher rank than `to` fails at dim 0.
int64_t findNonBroadcastableDim(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

/// Result type of an elementwise op broadcasting `operands`. All operands must share an
/// element type; the result gets `elementType` when given, else that shared type.
mlir::LogicalResult inferBroadcastResultType(std::optional<mlir::Location> loc,
                                             llvm::StringRef opName,
                                             mlir::ValueRange operands,
                                             mlir::Type elementType,
                                             llvm::SmallVectorImpl<mlir::Type> &types);

/// Number of elements, or std::nullopt if a dim is dynamic.
std::optional<int64_t> getNumElements(mlir::ShapedType type);

/// Storage (integer) type of a quantized element type, or the type itself otherwise.
mlir::Type getStorageElementType(mlir::Type elementType);

} // namespace kiln

#endif // KILN_DIALECTS_KILN_KILNSHAPES_H
