//===- ElementSemantics.h - scalar semantics of kiln element types -*- C++ -*-===//
//
// Builders of the scalar arithmetic inside linalg bodies, so that every lowering
// computes what the reference interpreter (lib/interp) computes:
// - kiln element types are read from the original op; lowered values carry their
//   storage type (signless integers, quantized storage), see KilnToLinalgTypeConverter;
// - f16 / bf16 are computed in f32 and rounded once at the end;
// - casts saturate, round half to even and wrap exactly as kiln.cast specifies;
// - quantize / dequantize reproduce the interpreter's rounding steps bit for bit.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_COMMON_ELEMENTSEMANTICS_H
#define KILN_CODEGEN_COMMON_ELEMENTSEMANTICS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace kiln::codegen {

//===----------------------------------------------------------------------------===//
// Element type queries
//===----------------------------------------------------------------------------===//

/// The signless integer / float type the lowered code stores for kiln element `t`.
mlir::Type getStorageType(mlir::Type t);
/// True for uiN and for quantized types with unsigned storage. i1 is not included.
bool isUnsignedInteger(mlir::Type t);
/// Bit width of an integer, float or quantized storage type.
unsigned getBitWidth(mlir::Type t);
/// The type floats of type `t` are computed in: f32 for f16 / bf16, `t` otherwise.
mlir::Type getComputeType(mlir::Type t);
/// Smallest / largest value of integer kiln type `t` (signedness from `t`) as an APInt
/// of its width.
llvm::APInt getIntegerMin(mlir::Type t);
llvm::APInt getIntegerMax(mlir::Type t);

//===----------------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------------===//

/// Float constant `v` rounded (to nearest even) to float type `t`.
mlir::Value createFloatConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type t,
                                double v);
/// Integer constant `v` truncated to the width of signless integer type `t`.
mlir::Value createIntConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type t,
                              int64_t v);
mlir::Value createIntConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type t,
                              const llvm::APInt &v);
/// The typed attribute of the identity / initial value of a reduction: 0, 1, -inf,
/// +inf, or an integer type's minimum / maximum.
mlir::TypedAttr getZeroAttr(mlir::Type t);

//===----------------------------------------------------------------------------===//
// Float helpers
//===----------------------------------------------------------------------------===//

/// `v` converted exactly (extf) or with one rounding (truncf) to float type `to`;
/// equal widths (f16 <-> bf16) go through f32.
mlir::Value convertFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         mlir::Type to);
/// max / min propagating NaN, with the interpreter's tie rule (a < b ? b : a).
mlir::Value createFloatMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                           mlir::Value c);
mlir::Value createFloatMin(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                           mlir::Value c);
/// max / min of integers of kiln type `t` (signed or unsigned compare).
mlir::Value createIntMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                         mlir::Value c, mlir::Type t);
mlir::Value createIntMin(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                         mlir::Value c, mlir::Type t);
/// max / min of kiln element type `t` (float or integer), as above.
mlir::Value createMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                      mlir::Value c, mlir::Type t);
mlir::Value createMin(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                      mlir::Value c, mlir::Type t);

//===----------------------------------------------------------------------------===//
// Conversions between kiln element types
//===----------------------------------------------------------------------------===//

/// kiln.cast of one element: `v` holds kiln type `from` (as its storage type); the
/// result holds kiln type `to`. Float -> integer truncates toward zero and saturates
/// (NaN -> 0); integer -> float rounds once to nearest even; integer -> integer wraps;
/// anything -> i1 is `!= 0`; i1 -> anything is 0 or 1.
mlir::Value createCast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       mlir::Type from, mlir::Type to);
/// Integer `v` of kiln type `from` widened (sign- or zero-extended by `from`'s
/// signedness) or truncated to signless integer type `to`.
mlir::Value extendOrTruncInt(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                             mlir::Type from, mlir::Type to);
/// Integer `v` of kiln type `from` converted to float type `to` with one rounding to
/// nearest even, exact for every input width (64-bit inputs are rounded to odd at
/// 53 bits first, so going through f64 cannot round twice).
mlir::Value convertIntToFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                              mlir::Type from, mlir::Type to);

//===----------------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------------===//

/// One element's quantization parameters.
struct QuantParams {
  /// Float, of the type quantize / dequantize divide / multiply in.
  mlir::Value scale;
  /// i32 per-element zero point (per axis), or null for the constant zeroPointValue.
  mlir::Value zeroPoint;
  int64_t zeroPointValue = 0;
};

/// The float type in which x / scale (quantize) and (q - zp) * scale (dequantize) are
/// computed so that the result equals the interpreter's (computed in f64, rounded to
/// `expressed`): `expressed` itself for f32 / f64 when every scale is exact in it,
/// f64 otherwise.
mlir::Type getQuantArithmeticType(mlir::quant::QuantizedType q);

/// quantize of one element: `x` of float type `expressed`, result the storage integer:
///   q = clamp(round_half_even(round_to_expressed(x / scale)) + zp, qmin, qmax),
/// NaN quantizes to zp. `params.scale` has type getQuantArithmeticType(q).
mlir::Value createQuantize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                           mlir::quant::QuantizedType q, QuantParams params);
/// dequantize of one element: `q` is the storage integer, the result has float type
/// `expressed`: round_to_expressed((q - zp) * scale).
mlir::Value createDequantize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value q,
                             mlir::quant::QuantizedType qt, QuantParams params);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_COMMON_ELEMENTSEMANTICS_H
