//===- ElementSemantics.cpp - scalar semantics of kiln element types ------===//
//
// The scalar building blocks of every linalg body the kiln lowering creates. Each
// function mirrors a rule of the reference interpreter (lib/interp); the comments give
// the rule as an equation and say why the emitted arithmetic computes exactly it.
//
//===----------------------------------------------------------------------------===//
#include "codegen/common/ElementSemantics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace kiln::codegen {

//===----------------------------------------------------------------------------===//
// Element type queries
//===----------------------------------------------------------------------------===//

Type getStorageType(Type t) {
  if (auto q = dyn_cast<quant::QuantizedType>(t)) {
    return IntegerType::get(t.getContext(), q.getStorageTypeIntegralWidth());
  }
  if (auto i = dyn_cast<IntegerType>(t); i && !i.isSignless()) {
    return IntegerType::get(t.getContext(), i.getWidth());
  }
  return t;
}

bool isUnsignedInteger(Type t) {
  if (auto q = dyn_cast<quant::QuantizedType>(t)) {
    return !q.isSigned();
  }
  return t.isUnsignedInteger();
}

unsigned getBitWidth(Type t) {
  if (auto q = dyn_cast<quant::QuantizedType>(t)) {
    return q.getStorageTypeIntegralWidth();
  }
  return t.getIntOrFloatBitWidth();
}

Type getComputeType(Type t) {
  if (t.isF16() || t.isBF16()) {
    return Float32Type::get(t.getContext());
  }
  return t;
}

llvm::APInt getIntegerMin(Type t) {
  unsigned width = getBitWidth(t);
  if (width == 1 || isUnsignedInteger(t)) {
    return llvm::APInt::getMinValue(width);
  }
  return llvm::APInt::getSignedMinValue(width);
}

llvm::APInt getIntegerMax(Type t) {
  unsigned width = getBitWidth(t);
  if (width == 1 || isUnsignedInteger(t)) {
    return llvm::APInt::getMaxValue(width);
  }
  return llvm::APInt::getSignedMaxValue(width);
}

//===----------------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------------===//

Value createFloatConstant(OpBuilder &b, Location loc, Type t, double v) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(t, v));
}

Value createIntConstant(OpBuilder &b, Location loc, Type t, const llvm::APInt &v) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v));
}

Value createIntConstant(OpBuilder &b, Location loc, Type t, int64_t v) {
  llvm::APInt value(t.getIntOrFloatBitWidth(), static_cast<uint64_t>(v),
                    /*isSigned=*/false, /*implicitTrunc=*/true);
  return createIntConstant(b, loc, t, value);
}

TypedAttr getZeroAttr(Type t) {
  if (isa<FloatType>(t)) {
    return FloatAttr::get(t, 0.0);
  }
  return IntegerAttr::get(t, llvm::APInt(t.getIntOrFloatBitWidth(), 0));
}

//===----------------------------------------------------------------------------===//
// Float helpers
//===----------------------------------------------------------------------------===//

/// f64 `v` rounded to f32 with round-to-odd: truncated toward zero, and the lowest
/// mantissa bit set if anything was dropped. A later f32 -> f16 / bf16 rounding of the
/// result equals rounding `v` directly (24 >= 2 * 11 + 2), which a plain f64 -> f32 ->
/// f16 chain does not guarantee, and which LLVM's f64 -> bf16 truncation does not
/// provide on every target (it may go through f32).
static Value roundToOddF32(OpBuilder &b, Location loc, Value v) {
  Type f32 = Float32Type::get(b.getContext());
  Type i32 = IntegerType::get(b.getContext(), 32);
  Value r = arith::TruncFOp::create(b, loc, f32, v);
  Value back = arith::ExtFOp::create(b, loc, v.getType(), r);
  // Unordered-or-not-equal: NaN counts as inexact, which keeps it a NaN below.
  Value inexact = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, back, v);
  Value away = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                     math::AbsFOp::create(b, loc, back),
                                     math::AbsFOp::create(b, loc, v));
  Value bits = arith::BitcastOp::create(b, loc, i32, r);
  Value one = createIntConstant(b, loc, i32, 1);
  // Rounded away from zero: step the magnitude back by one ulp (sign-magnitude).
  bits = arith::SelectOp::create(b, loc, away, arith::SubIOp::create(b, loc, bits, one),
                                 bits);
  bits = arith::SelectOp::create(b, loc, inexact, arith::OrIOp::create(b, loc, bits, one),
                                 bits);
  return arith::BitcastOp::create(b, loc, f32, bits);
}

Value convertFloat(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to) {
    return v;
  }
  if (from.isF64() && (to.isF16() || to.isBF16())) {
    return arith::TruncFOp::create(b, loc, to, roundToOddF32(b, loc, v));
  }
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw == tw) {
    // f16 <-> bf16: the f32 step is exact, so this still rounds once.
    v = arith::ExtFOp::create(b, loc, Float32Type::get(b.getContext()), v);
    return arith::TruncFOp::create(b, loc, to, v);
  }
  if (fw < tw) {
    return arith::ExtFOp::create(b, loc, to, v);
  }
  return arith::TruncFOp::create(b, loc, to, v);
}

// max(a, c) = isnan(a) || isnan(c) ? NaN : (a < c ? c : a). arith.maximumf would also
// propagate NaN but orders -0 < +0, which the interpreter does not.
Value createFloatMax(OpBuilder &b, Location loc, Value a, Value c) {
  Value unordered = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a, c);
  Value less = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, a, c);
  Value nan = createFloatConstant(b, loc, a.getType(), std::nan(""));
  Value max = arith::SelectOp::create(b, loc, less, c, a);
  return arith::SelectOp::create(b, loc, unordered, nan, max);
}

// min(a, c) = isnan(a) || isnan(c) ? NaN : (c < a ? c : a).
Value createFloatMin(OpBuilder &b, Location loc, Value a, Value c) {
  Value unordered = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a, c);
  Value greater = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, c, a);
  Value nan = createFloatConstant(b, loc, a.getType(), std::nan(""));
  Value min = arith::SelectOp::create(b, loc, greater, c, a);
  return arith::SelectOp::create(b, loc, unordered, nan, min);
}

Value createIntMax(OpBuilder &b, Location loc, Value a, Value c, Type t) {
  if (isUnsignedInteger(t) || t.isInteger(1)) {
    return arith::MaxUIOp::create(b, loc, a, c);
  }
  return arith::MaxSIOp::create(b, loc, a, c);
}

Value createIntMin(OpBuilder &b, Location loc, Value a, Value c, Type t) {
  if (isUnsignedInteger(t) || t.isInteger(1)) {
    return arith::MinUIOp::create(b, loc, a, c);
  }
  return arith::MinSIOp::create(b, loc, a, c);
}

Value createMax(OpBuilder &b, Location loc, Value a, Value c, Type t) {
  return isa<FloatType>(a.getType()) ? createFloatMax(b, loc, a, c)
                                     : createIntMax(b, loc, a, c, t);
}

Value createMin(OpBuilder &b, Location loc, Value a, Value c, Type t) {
  return isa<FloatType>(a.getType()) ? createFloatMin(b, loc, a, c)
                                     : createIntMin(b, loc, a, c, t);
}

//===----------------------------------------------------------------------------===//
// Conversions between kiln element types
//===----------------------------------------------------------------------------===//

Value extendOrTruncInt(OpBuilder &b, Location loc, Value v, Type from, Type to) {
  unsigned fw = v.getType().getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw == tw) {
    return v;
  }
  if (fw > tw) {
    return arith::TruncIOp::create(b, loc, to, v);
  }
  if (isUnsignedInteger(from) || from.isInteger(1)) {
    return arith::ExtUIOp::create(b, loc, to, v);
  }
  return arith::ExtSIOp::create(b, loc, to, v);
}

// Integer -> float with a single rounding to nearest even (the interpreter rounds the
// exact integer once). f32 / f64 targets: sitofp / uitofp round once. f16 / bf16
// targets go through f64: exact for inputs of up to 53 significant bits; wider (64-bit)
// magnitudes are first rounded to odd at 53 bits (truncate, then set the lowest kept
// bit if anything was dropped), which makes the final f64 -> f16/bf16 rounding equal
// to a direct one (53 >= 2 * 11 + 2).
Value convertIntToFloat(OpBuilder &b, Location loc, Value v, Type from, Type to) {
  bool isUnsigned = isUnsignedInteger(from) || from.isInteger(1);
  auto convert = [&](Value x, Type ft) -> Value {
    if (isUnsigned) {
      return arith::UIToFPOp::create(b, loc, ft, x);
    }
    return arith::SIToFPOp::create(b, loc, ft, x);
  };
  if (to.isF32() || to.isF64()) {
    return convert(v, to);
  }
  Type f64 = Float64Type::get(b.getContext());
  unsigned width = v.getType().getIntOrFloatBitWidth();
  if (width <= 53) {
    return convertFloat(b, loc, convert(v, f64), to);
  }
  // |v| as an unsigned 64-bit magnitude (the most negative value maps to 2^63).
  Type i64 = v.getType();
  Value zero = createIntConstant(b, loc, i64, 0);
  Value negative;
  Value magnitude = v;
  if (!isUnsigned) {
    negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, v, zero);
    Value negated = arith::SubIOp::create(b, loc, zero, v);
    magnitude = arith::SelectOp::create(b, loc, negative, negated, v);
  }
  // shift = max(0, bits(magnitude) - 53) = max(0, 11 - ctlz(magnitude)).
  Value lz = math::CountLeadingZerosOp::create(b, loc, magnitude);
  Value shift = arith::SubIOp::create(b, loc, createIntConstant(b, loc, i64, 11), lz);
  shift = arith::MaxSIOp::create(b, loc, shift, zero);
  Value one = createIntConstant(b, loc, i64, 1);
  Value lowest = arith::ShLIOp::create(b, loc, one, shift);
  Value mask = arith::SubIOp::create(b, loc, lowest, one);
  Value dropped = arith::AndIOp::create(b, loc, magnitude, mask);
  Value sticky = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, dropped, zero);
  Value allOnes = createIntConstant(b, loc, i64, -1);
  Value kept = arith::AndIOp::create(b, loc, magnitude,
                                     arith::XOrIOp::create(b, loc, mask, allOnes));
  Value jam = arith::SelectOp::create(b, loc, sticky, lowest, zero);
  Value odd = arith::OrIOp::create(b, loc, kept, jam);
  // `odd` has at most 53 significant bits: the conversion is exact.
  Value f = arith::UIToFPOp::create(b, loc, f64, odd);
  if (negative) {
    f = arith::SelectOp::create(b, loc, negative, arith::NegFOp::create(b, loc, f), f);
  }
  return convertFloat(b, loc, f, to);
}

// Float -> integer, saturating (kiln.cast):
//   NaN -> 0; trunc(x) >= 2^(w-1) -> max; trunc(x) <= -2^(w-1) -> min; else trunc(x)
// (unsigned: trunc(x) <= 0 -> 0, x >= 2^w -> max). The comparisons are done on x itself:
// x >= 2^(w-1) <=> trunc(x) >= 2^(w-1) because the bound is an integer, and likewise
// for the others. The fpto[su]i of an out-of-range x is poison, but never selected.
static Value convertFloatToInt(OpBuilder &b, Location loc, Value v, Type to) {
  Type compute = getComputeType(v.getType());
  v = convertFloat(b, loc, v, compute);
  Type storage = getStorageType(to);
  unsigned width = storage.getIntOrFloatBitWidth();
  Value maxValue = createIntConstant(b, loc, storage, getIntegerMax(to));
  Value zeroInt = createIntConstant(b, loc, storage, 0);
  if (isUnsignedInteger(to)) {
    // !(x >= 1) is true for x < 1 and for NaN: both give 0.
    Value low = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ULT, v,
                                      createFloatConstant(b, loc, compute, 1.0));
    Value high = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, v,
                                       createFloatConstant(b, loc, compute,
                                                           std::ldexp(1.0, width)));
    Value converted = arith::FPToUIOp::create(b, loc, storage, v);
    Value r = arith::SelectOp::create(b, loc, low, zeroInt, converted);
    return arith::SelectOp::create(b, loc, high, maxValue, r);
  }
  double limit = std::ldexp(1.0, static_cast<int>(width) - 1);
  Value minValue = createIntConstant(b, loc, storage, getIntegerMin(to));
  Value nan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  Value high = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, v,
                                     createFloatConstant(b, loc, compute, limit));
  Value low = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, v,
                                    createFloatConstant(b, loc, compute, -limit));
  Value converted = arith::FPToSIOp::create(b, loc, storage, v);
  Value r = arith::SelectOp::create(b, loc, low, minValue, converted);
  r = arith::SelectOp::create(b, loc, high, maxValue, r);
  return arith::SelectOp::create(b, loc, nan, zeroInt, r);
}

Value createCast(OpBuilder &b, Location loc, Value v, Type from, Type to) {
  if (from == to) {
    return v;
  }
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  if (to.isInteger(1)) {
    // x != 0; for floats NaN != 0 is true (unordered-or-not-equal).
    if (fromFloat) {
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                   createFloatConstant(b, loc, from, 0.0));
    }
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v,
                                 createIntConstant(b, loc, v.getType(), 0));
  }
  if (fromFloat && toFloat) {
    return convertFloat(b, loc, v, to);
  }
  if (fromFloat) {
    return convertFloatToInt(b, loc, v, to);
  }
  if (toFloat) {
    return convertIntToFloat(b, loc, v, from, to);
  }
  return extendOrTruncInt(b, loc, v, from, getStorageType(to));
}

//===----------------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------------===//

/// Every scale of `q`.
static SmallVector<double> getScales(quant::QuantizedType q) {
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(q)) {
    return {perTensor.getScale()};
  }
  auto perAxis = cast<quant::UniformQuantizedPerAxisType>(q);
  return SmallVector<double>(perAxis.getScales());
}

// The interpreter computes x / scale and (q - zp) * scale in f64 and rounds to the
// expressed type. In f32 with an f32-exact scale the results are identical: a quotient
// of two f32 values rounded to f64 then to f32 equals the directly rounded one
// (53 >= 2 * 24 + 2), and (q - zp) * scale is exact in f64 for storage of up to 16 bits
// (17 + 24 bits), so both sides round the exact product once.
Type getQuantArithmeticType(quant::QuantizedType q) {
  Type expressed = q.getExpressedType();
  MLIRContext *ctx = q.getContext();
  if (expressed.isF64()) {
    return expressed;
  }
  if (expressed.isF32() && q.getStorageTypeIntegralWidth() <= 16 &&
      llvm::all_of(getScales(q), [](double s) {
        return static_cast<double>(static_cast<float>(s)) == s;
      })) {
    return expressed;
  }
  return Float64Type::get(ctx);
}

Value createQuantize(OpBuilder &b, Location loc, Value x, quant::QuantizedType q,
                     QuantParams params) {
  Type arithType = params.scale.getType();
  Type expressed = q.getExpressedType();
  Type storage = getStorageType(q);
  unsigned width = q.getStorageTypeIntegralWidth();
  // scaled = round_to_expressed(x / scale), then rounded half to even (exact in any
  // type at least as wide as `expressed`).
  Value scaled = arith::DivFOp::create(b, loc, convertFloat(b, loc, x, arithType),
                                       params.scale);
  scaled = convertFloat(b, loc, scaled, expressed);
  // Post-rounding arithmetic (+ zp, clamp) must be exact: f64 for storage wider than
  // 16 bits, else f32 (|scaled| > 2^24 clamps to the same bound either way).
  Type post = width > 16 || expressed.isF64() ? Type(Float64Type::get(b.getContext()))
                                              : Type(Float32Type::get(b.getContext()));
  scaled = convertFloat(b, loc, scaled, post);
  scaled = math::RoundEvenOp::create(b, loc, scaled);
  Value zero = createFloatConstant(b, loc, post, 0.0);
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, scaled, scaled);
  scaled = arith::SelectOp::create(b, loc, isNan, zero, scaled);
  Value zp = params.zeroPoint
                 ? Value(arith::SIToFPOp::create(b, loc, post, params.zeroPoint))
                 : createFloatConstant(b, loc, post, static_cast<double>(params.zeroPointValue));
  Value v = arith::AddFOp::create(b, loc, scaled, zp);
  double qmin = static_cast<double>(q.getStorageTypeMin());
  double qmax = static_cast<double>(q.getStorageTypeMax());
  Value lo = createFloatConstant(b, loc, post, qmin);
  Value hi = createFloatConstant(b, loc, post, qmax);
  Value below = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, v, lo);
  v = arith::SelectOp::create(b, loc, below, lo, v);
  Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v, hi);
  v = arith::SelectOp::create(b, loc, above, hi, v);
  // v is an integer in [qmin, qmax]: convert through a wide enough signed integer and
  // keep the low bits (unsigned storage values above the signed range keep their bits).
  Type wide = IntegerType::get(b.getContext(), width >= 32 ? 64 : 32);
  Value i = arith::FPToSIOp::create(b, loc, wide, v);
  return arith::TruncIOp::create(b, loc, storage, i);
}

Value createDequantize(OpBuilder &b, Location loc, Value q, quant::QuantizedType qt,
                       QuantParams params) {
  Type arithType = params.scale.getType();
  unsigned width = qt.getStorageTypeIntegralWidth();
  // q - zp is exact in i32 for storage narrower than 32 bits, else in i64.
  Type wide = IntegerType::get(b.getContext(), width >= 32 ? 64 : 32);
  Value v = extendOrTruncInt(b, loc, q, qt, wide);
  Value zp = params.zeroPoint
                 ? extendOrTruncInt(b, loc, params.zeroPoint,
                                    IntegerType::get(b.getContext(), 32), wide)
                 : createIntConstant(b, loc, wide, params.zeroPointValue);
  v = arith::SubIOp::create(b, loc, v, zp);
  Value f = arith::SIToFPOp::create(b, loc, arithType, v);
  f = arith::MulFOp::create(b, loc, f, params.scale);
  return convertFloat(b, loc, f, qt.getExpressedType());
}

} // namespace kiln::codegen
