//===- ConstantData.h - read and make f32 weight constants ------*- C++ -*-===//
//
// Graph rewrites that compute new weights at compile time (horizontal fusion's
// concatenated projections, BatchNorm folded into conv / matmul weights) read f32
// constants, dense or resource blobs alike, and write their results back as resource
// blobs, as the importer stores weights.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_PASSES_FUSION_CONSTANTDATA_H
#define KILN_PASSES_FUSION_CONSTANTDATA_H

#include "dialects/kiln/KilnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <optional>

namespace kiln {

/// The f32 values of a constant attribute (dense, splat or resource), or nothing:
/// another element type, or a resource whose blob is not available.
std::optional<llvm::SmallVector<float>> readF32(mlir::ElementsAttr value);

/// The same for a kiln.constant.
std::optional<llvm::SmallVector<float>> readF32(ConstantOp constant);

/// The values of `v` when it is an f32 kiln.constant (see above).
std::optional<llvm::SmallVector<float>> readF32(mlir::Value v);

/// The value of `v` when it is a one-element or splat float kiln.constant (a scaling,
/// an epsilon, an exponent), or nothing.
std::optional<double> readScalarConstant(mlir::Value v);

/// `data` as a resource blob of `type` named after `name` (MLIR makes the key unique).
mlir::DenseResourceElementsAttr createF32Resource(mlir::RankedTensorType type,
                                                  llvm::ArrayRef<float> data,
                                                  llvm::StringRef name);

/// A kiln.constant of `type` holding `data` in a resource blob (createF32Resource).
mlir::Value createF32Constant(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::RankedTensorType type, llvm::ArrayRef<float> data,
                              llvm::StringRef name);

} // namespace kiln

#endif // KILN_PASSES_FUSION_CONSTANTDATA_H
