//===- KilnToLinalg.h - kiln -> linalg on tensors -----------*- C++ -*-===//
//
// The public entry points of the kiln -> linalg lowering: the type converter that
// turns kiln tensor types into the types linalg computes on, the patterns (all of
// them, or one op family at a time), and the check that diagnoses ops no pattern can
// lower. `LowerKilnToLinalgPass` (--kiln-lower-to-linalg) is a thin wrapper over these.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_COMMON_KILNTOLINALG_H
#define KILN_CODEGEN_COMMON_KILNTOLINALG_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace kiln {

/// Converts kiln types to the types the lowered code computes on:
///   tensor<...x!quant.uniform<iN/uN:f, ...>>  ->  tensor<...xiN>   (storage, signless)
///   tensor<...xuiN> / tensor<...xsiN>         ->  tensor<...xiN>   (signless)
/// Every other type is unchanged. Signedness is not lost: patterns read it from the
/// original kiln op's types.
class KilnToLinalgTypeConverter : public mlir::TypeConverter {
public:
  KilnToLinalgTypeConverter();

  /// The element type the lowered code stores for kiln element type `t`.
  static mlir::Type convertElementType(mlir::Type t);
};

/// Adds the patterns lowering every kiln op to linalg / tensor / arith / math. The
/// patterns use `typeConverter` for result types; pass a KilnToLinalgTypeConverter (or
/// one that converts kiln types the same way).
/// `convIm2col`: f32 convolutions at batch 1 become im2col + matmul (for the CPU's matmul
/// schedule); false keeps them named convolutions on a padded input (for CUDA).
void populateKilnToLinalgPatterns(mlir::TypeConverter &typeConverter,
                                  mlir::RewritePatternSet &patterns, bool convIm2col = true);

/// Per-family parts of populateKilnToLinalgPatterns.
/// Unary / binary elementwise ops, cmp, select, cast, clip, gelu, quantize, dequantize.
void populateElementwiseToLinalgPatterns(mlir::TypeConverter &typeConverter,
                                         mlir::RewritePatternSet &patterns);
/// matmul, conv2d.
void populateContractionToLinalgPatterns(mlir::TypeConverter &typeConverter,
                                         mlir::RewritePatternSet &patterns,
                                         bool convIm2col = true);
/// reduce, argmax.
void populateReductionToLinalgPatterns(mlir::TypeConverter &typeConverter,
                                       mlir::RewritePatternSet &patterns);
/// softmax, log_softmax, layer_norm, batch_norm.
void populateNormalizationToLinalgPatterns(mlir::TypeConverter &typeConverter,
                                           mlir::RewritePatternSet &patterns);
/// pool2d, pool2d_argmax, global_pool.
void populatePoolingToLinalgPatterns(mlir::TypeConverter &typeConverter,
                                     mlir::RewritePatternSet &patterns);
/// constant, reshape, transpose, broadcast_to, concat, slice, gather, pad, split.
void populateDataMovementToLinalgPatterns(mlir::TypeConverter &typeConverter,
                                          mlir::RewritePatternSet &patterns);

/// Succeeds if the patterns can lower kiln op `op`; otherwise emits an error at `op`
/// naming it, the reason (a dynamic shape, an unsupported quantized type, ...) and what
/// to do, and fails. Ops of other dialects always succeed.
mlir::LogicalResult checkLowerableToLinalg(mlir::Operation *op);

} // namespace kiln

#endif // KILN_CODEGEN_COMMON_KILNTOLINALG_H
