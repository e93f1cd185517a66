//===- ElementwiseToLinalg.cpp - elementwise kiln ops -> linalg.generic ---===//
//
// Every elementwise kiln op becomes one all-parallel linalg.generic over its result;
// operands broadcast through the indexing maps (LinalgBuilders.cpp), never through a
// materialized broadcast. The scalar body follows the interpreter's definition
// (lib/interp/ElementwiseKernels.cpp) exactly; f16 / bf16 are computed in f32 and
// rounded once (f32 holds 2p + 2 bits of either, so +, -, *, / and sqrt round once in
// effect, as the interpreter's f64 arithmetic does).
//
//   kiln.op(a, b) => linalg.generic {maps = [broadcast(a), broadcast(b), id]}
//                      ins(a, b) outs(tensor.empty) { yield op_scalar(a_i, b_i) }
//
//===----------------------------------------------------------------------------===//
#include "codegen/common/ElementSemantics.h"
#include "codegen/common/KilnToLinalg.h"
#include "codegen/common/LinalgBuilders.h"

#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/STLForwardCompat.h"

#include <cmath>

using namespace mlir;
using namespace kiln::codegen;

namespace kiln {
namespace {

//===----------------------------------------------------------------------------===//
// Scalar bodies
//===----------------------------------------------------------------------------===//

/// fn(x) computed in x's compute type (f32 for f16 / bf16) and rounded back once.
Value computeFloatUnary(OpBuilder &b, Location loc, Value x,
                        llvm::function_ref<Value(Value)> fn) {
  Type type = x.getType();
  Value r = fn(convertFloat(b, loc, x, getComputeType(type)));
  return convertFloat(b, loc, r, type);
}

/// fn(x, y) computed in the compute type and rounded back once.
Value computeFloatBinary(OpBuilder &b, Location loc, Value x, Value y,
                         llvm::function_ref<Value(Value, Value)> fn) {
  Type type = x.getType();
  Type compute = getComputeType(type);
  Value r = fn(convertFloat(b, loc, x, compute), convertFloat(b, loc, y, compute));
  return convertFloat(b, loc, r, type);
}

Value constantLike(OpBuilder &b, Location loc, Value like, double v) {
  return createFloatConstant(b, loc, like.getType(), v);
}

/// The body of a unary float op on a compute-type value `x`; null if `op` is not one.
Value buildFloatUnaryBody(OpBuilder &b, Location loc, Operation *op, Value x) {
  if (isa<NegOp>(op)) {
    return arith::NegFOp::create(b, loc, x);
  }
  if (isa<AbsOp>(op)) {
    return math::AbsFOp::create(b, loc, x);
  }
  if (isa<ExpOp>(op)) {
    return math::ExpOp::create(b, loc, x);
  }
  if (isa<LogOp>(op)) {
    return math::LogOp::create(b, loc, x);
  }
  if (isa<SqrtOp>(op)) {
    return math::SqrtOp::create(b, loc, x);
  }
  if (isa<RsqrtOp>(op)) {
    // 1 / sqrt(x), as the interpreter computes it (math.rsqrt may be approximated).
    return arith::DivFOp::create(b, loc, constantLike(b, loc, x, 1.0),
                                 math::SqrtOp::create(b, loc, x));
  }
  if (isa<ReciprocalOp>(op)) {
    return arith::DivFOp::create(b, loc, constantLike(b, loc, x, 1.0), x);
  }
  if (isa<TanhOp>(op)) {
    return math::TanhOp::create(b, loc, x);
  }
  if (isa<SigmoidOp>(op)) {
    // 1 / (1 + e^-x)
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    Value one = constantLike(b, loc, x, 1.0);
    return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, e));
  }
  if (isa<ReluOp>(op)) {
    // x < 0 ? 0 : x (NaN < 0 is false: NaN propagates).
    Value zero = constantLike(b, loc, x, 0.0);
    Value negative = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
    return arith::SelectOp::create(b, loc, negative, zero, x);
  }
  if (isa<ErfOp>(op)) {
    return math::ErfOp::create(b, loc, x);
  }
  if (isa<FloorOp>(op)) {
    return math::FloorOp::create(b, loc, x);
  }
  if (isa<CeilOp>(op)) {
    return math::CeilOp::create(b, loc, x);
  }
  if (isa<RoundOp>(op)) {
    return math::RoundEvenOp::create(b, loc, x);
  }
  if (isa<SinOp>(op)) {
    return math::SinOp::create(b, loc, x);
  }
  if (isa<CosOp>(op)) {
    return math::CosOp::create(b, loc, x);
  }
  if (auto gelu = dyn_cast<GeluOp>(op)) {
    Value half = constantLike(b, loc, x, 0.5);
    Value one = constantLike(b, loc, x, 1.0);
    Value inner;
    if (gelu.getApproximate() == GeluApproximation::tanh) {
      // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
      Value cube = arith::MulFOp::create(b, loc, constantLike(b, loc, x, 0.044715), x);
      cube = arith::MulFOp::create(b, loc, cube, x);
      cube = arith::MulFOp::create(b, loc, cube, x);
      Value k = constantLike(b, loc, x, std::sqrt(2.0 / 3.14159265358979323846));
      Value arg = arith::MulFOp::create(b, loc, k, arith::AddFOp::create(b, loc, x, cube));
      inner = math::TanhOp::create(b, loc, arg);
    } else {
      // 0.5 x (1 + erf(x / sqrt 2)), the division as a product by 1 / sqrt 2 (a vector
      // division costs 5-10 multiplications; the results differ by one rounding at most).
      Value arg = arith::MulFOp::create(b, loc, x, constantLike(b, loc, x, std::sqrt(0.5)));
      inner = math::ErfOp::create(b, loc, arg);
    }
    Value halfX = arith::MulFOp::create(b, loc, half, x);
    return arith::MulFOp::create(b, loc, halfX, arith::AddFOp::create(b, loc, one, inner));
  }
  if (auto clip = dyn_cast<ClipOp>(op)) {
    // x < lo ? lo : x, then > hi ? hi : x; NaN stays NaN. Rounding the bounds to the
    // compute type first changes no result: no value of x lies strictly between a
    // bound and its nearest representable value.
    Value v = x;
    if (std::optional<APFloat> min = clip.getMin()) {
      Value lo = constantLike(b, loc, x, min->convertToDouble());
      Value below = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, v, lo);
      v = arith::SelectOp::create(b, loc, below, lo, v);
    }
    if (std::optional<APFloat> max = clip.getMax()) {
      Value hi = constantLike(b, loc, x, max->convertToDouble());
      Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v, hi);
      v = arith::SelectOp::create(b, loc, above, hi, v);
    }
    return v;
  }
  return nullptr;
}

/// clip's integer bounds: min rounded up, max rounded down, saturated to the type's
/// range; comparing with them equals comparing with the f64 attributes.
std::pair<APInt, APInt> getIntegerClipBounds(ClipOp clip, Type t) {
  APInt lo = getIntegerMin(t), hi = getIntegerMax(t);
  unsigned width = lo.getBitWidth();
  double loValue = static_cast<double>(lo.getSExtValue());
  double hiValue = static_cast<double>(hi.getSExtValue());
  auto toBound = [&](double v) -> APInt {
    if (v <= loValue) {
      return lo;
    }
    if (v >= hiValue) {
      return hi;
    }
    return APInt(width, static_cast<uint64_t>(static_cast<int64_t>(v)), /*isSigned=*/true,
                 /*implicitTrunc=*/true);
  };
  APInt minBound = lo, maxBound = hi;
  if (std::optional<APFloat> min = clip.getMin()) {
    minBound = toBound(std::ceil(min->convertToDouble()));
  }
  if (std::optional<APFloat> max = clip.getMax()) {
    maxBound = toBound(std::floor(max->convertToDouble()));
  }
  return {minBound, maxBound};
}

/// Body of a unary op on integer / i1 element `x` of kiln type `t`.
Value buildIntegerUnaryBody(OpBuilder &b, Location loc, Operation *op, Value x, Type t) {
  Type type = x.getType();
  if (isa<NegOp>(op)) {
    // wraps: -INT_MIN == INT_MIN
    return arith::SubIOp::create(b, loc, createIntConstant(b, loc, type, 0), x);
  }
  if (isa<AbsOp>(op)) {
    return math::AbsIOp::create(b, loc, x); // |INT_MIN| wraps to INT_MIN
  }
  if (isa<ReluOp>(op)) {
    return arith::MaxSIOp::create(b, loc, x, createIntConstant(b, loc, type, 0));
  }
  if (isa<NotOp>(op)) {
    return arith::XOrIOp::create(b, loc, x, createIntConstant(b, loc, type, 1));
  }
  auto clip = cast<ClipOp>(op);
  auto [lo, hi] = getIntegerClipBounds(clip, t);
  Value v = arith::MaxSIOp::create(b, loc, x, createIntConstant(b, loc, type, lo));
  return arith::MinSIOp::create(b, loc, v, createIntConstant(b, loc, type, hi));
}

/// base^exponent modulo 2^width by square-and-multiply over every exponent bit
/// (straight-line code: `width` steps). A negative signed exponent gives 0 except for
/// bases 1 (-> 1) and -1 (-> +-1 by the exponent's parity), as the interpreter.
Value buildIntegerPow(OpBuilder &b, Location loc, Value base, Value exponent, Type t) {
  Type type = base.getType();
  unsigned width = type.getIntOrFloatBitWidth();
  Value zero = createIntConstant(b, loc, type, 0);
  Value one = createIntConstant(b, loc, type, 1);
  Value result = one, square = base;
  for (unsigned i = 0; i < width; ++i) {
    Value shifted =
        arith::ShRUIOp::create(b, loc, exponent, createIntConstant(b, loc, type, i));
    Value bit = arith::AndIOp::create(b, loc, shifted, one);
    Value set = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, bit, zero);
    result = arith::SelectOp::create(b, loc, set,
                                     arith::MulIOp::create(b, loc, result, square), result);
    if (i + 1 < width) {
      square = arith::MulIOp::create(b, loc, square, square);
    }
  }
  if (isUnsignedInteger(t)) {
    return result;
  }
  Value minusOne = createIntConstant(b, loc, type, -1);
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, exponent, zero);
  Value isOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, one);
  Value isMinusOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, minusOne);
  Value odd = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                    arith::AndIOp::create(b, loc, exponent, one), zero);
  Value minusOnePow = arith::SelectOp::create(b, loc, odd, minusOne, one);
  Value special = arith::SelectOp::create(b, loc, isMinusOne, minusOnePow, zero);
  special = arith::SelectOp::create(b, loc, isOne, one, special);
  return arith::SelectOp::create(b, loc, negative, special, result);
}

/// Integer division truncating toward zero. Division by zero is an error in the
/// interpreter and undefined in LLVM: the divisor 0 is replaced by 1 (the result is
/// then `a`) so compiled code never traps; INT_MIN / -1 wraps to INT_MIN (computed as
/// 0 - a) instead of trapping.
Value buildIntegerDiv(OpBuilder &b, Location loc, Value a, Value c, Type t) {
  Type type = a.getType();
  Value zero = createIntConstant(b, loc, type, 0);
  Value one = createIntConstant(b, loc, type, 1);
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, c, zero);
  if (isUnsignedInteger(t)) {
    Value divisor = arith::SelectOp::create(b, loc, isZero, one, c);
    return arith::DivUIOp::create(b, loc, a, divisor);
  }
  Value minusOne = createIntConstant(b, loc, type, -1);
  Value isMinusOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, c, minusOne);
  Value special = arith::OrIOp::create(b, loc, isZero, isMinusOne);
  Value divisor = arith::SelectOp::create(b, loc, special, one, c);
  Value q = arith::DivSIOp::create(b, loc, a, divisor);
  return arith::SelectOp::create(b, loc, isMinusOne, arith::SubIOp::create(b, loc, zero, a),
                                 q);
}

//===----------------------------------------------------------------------------===//
// computeElement: the body of each op, given its operands' scalars and kiln types
//===----------------------------------------------------------------------------===//

/// Unary ops (including gelu and clip).
Value computeUnary(OpBuilder &b, Location loc, Operation *op, ValueRange args,
                   ArrayRef<Type> types) {
  Value x = args[0];
  if (isa<FloatType>(x.getType())) {
    return computeFloatUnary(b, loc, x,
                             [&](Value c) { return buildFloatUnaryBody(b, loc, op, c); });
  }
  return buildIntegerUnaryBody(b, loc, op, x, types[0]);
}

Value computeBinary(OpBuilder &b, Location loc, Operation *op, ValueRange args,
                    ArrayRef<Type> types) {
  Value x = args[0], y = args[1];
  Type t = types[0];
  if (isa<FloatType>(x.getType())) {
    return computeFloatBinary(b, loc, x, y, [&](Value p, Value q) -> Value {
      if (isa<AddOp>(op)) {
        return arith::AddFOp::create(b, loc, p, q);
      }
      if (isa<SubOp>(op)) {
        return arith::SubFOp::create(b, loc, p, q);
      }
      if (isa<MulOp>(op)) {
        return arith::MulFOp::create(b, loc, p, q);
      }
      if (isa<DivOp>(op)) {
        return arith::DivFOp::create(b, loc, p, q);
      }
      if (isa<PowOp>(op)) {
        return math::PowFOp::create(b, loc, p, q);
      }
      if (isa<MaxOp>(op)) {
        return createFloatMax(b, loc, p, q);
      }
      assert(isa<MinOp>(op) && "unexpected float binary op");
      return createFloatMin(b, loc, p, q);
    });
  }
  if (isa<AddOp>(op)) {
    return arith::AddIOp::create(b, loc, x, y);
  }
  if (isa<SubOp>(op)) {
    return arith::SubIOp::create(b, loc, x, y);
  }
  if (isa<MulOp>(op)) {
    return arith::MulIOp::create(b, loc, x, y);
  }
  if (isa<DivOp>(op)) {
    return buildIntegerDiv(b, loc, x, y, t);
  }
  if (isa<PowOp>(op)) {
    return buildIntegerPow(b, loc, x, y, t);
  }
  if (isa<MaxOp>(op)) {
    return createIntMax(b, loc, x, y, t);
  }
  if (isa<MinOp>(op)) {
    return createIntMin(b, loc, x, y, t);
  }
  if (isa<AndOp>(op)) {
    return arith::AndIOp::create(b, loc, x, y);
  }
  assert(isa<OrOp>(op) && "unexpected integer binary op");
  return arith::OrIOp::create(b, loc, x, y);
}

Value computeCmp(OpBuilder &b, Location loc, CmpOp op, ValueRange args,
                 ArrayRef<Type> types) {
  Value x = args[0], y = args[1];
  CmpPredicate p = op.getPredicate();
  if (isa<FloatType>(x.getType())) {
    // IEEE: every comparison with NaN is false except `ne`.
    arith::CmpFPredicate fp;
    switch (p) {
    case CmpPredicate::eq:
      fp = arith::CmpFPredicate::OEQ;
      break;
    case CmpPredicate::ne:
      fp = arith::CmpFPredicate::UNE;
      break;
    case CmpPredicate::lt:
      fp = arith::CmpFPredicate::OLT;
      break;
    case CmpPredicate::le:
      fp = arith::CmpFPredicate::OLE;
      break;
    case CmpPredicate::gt:
      fp = arith::CmpFPredicate::OGT;
      break;
    case CmpPredicate::ge:
      fp = arith::CmpFPredicate::OGE;
      break;
    }
    return arith::CmpFOp::create(b, loc, fp, x, y);
  }
  bool isUnsigned = isUnsignedInteger(types[0]) || types[0].isInteger(1);
  arith::CmpIPredicate ip;
  switch (p) {
  case CmpPredicate::eq:
    ip = arith::CmpIPredicate::eq;
    break;
  case CmpPredicate::ne:
    ip = arith::CmpIPredicate::ne;
    break;
  case CmpPredicate::lt:
    ip = isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
    break;
  case CmpPredicate::le:
    ip = isUnsigned ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
    break;
  case CmpPredicate::gt:
    ip = isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
    break;
  case CmpPredicate::ge:
    ip = isUnsigned ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
    break;
  }
  return arith::CmpIOp::create(b, loc, ip, x, y);
}

//===----------------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------------===//

/// Element types of `op`'s operands as kiln sees them (before type conversion).
SmallVector<Type> getOperandElementTypes(Operation *op) {
  SmallVector<Type> types;
  for (Type t : op->getOperandTypes()) {
    types.push_back(cast<ShapedType>(t).getElementType());
  }
  return types;
}

/// kiln.op(x...) => linalg.generic { yield compute(op, x_i...) }.
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using ComputeFn = Value (*)(OpBuilder &, Location, Operation *, ValueRange,
                              ArrayRef<Type>);

  ElementwiseLowering(const TypeConverter &converter, MLIRContext *ctx, ComputeFn compute)
      : OpConversionPattern<OpTy>(converter, ctx), compute(compute) {}

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<RankedTensorType>(
        this->getTypeConverter()->convertType(op->getResult(0).getType()));
    if (!resultType) {
      return rewriter.notifyMatchFailure(op, "result type does not convert");
    }
    SmallVector<Type> types = getOperandElementTypes(op);
    Location loc = op.getLoc();
    Value result = createElementwiseOp(
        rewriter, loc, resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          return {compute(b, l, op, args.drop_back(), types)};
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  ComputeFn compute;
};

Value computeCmpFn(OpBuilder &b, Location loc, Operation *op, ValueRange args,
                   ArrayRef<Type> types) {
  return computeCmp(b, loc, cast<CmpOp>(op), args, types);
}

Value computeSelectFn(OpBuilder &b, Location loc, Operation *, ValueRange args,
                      ArrayRef<Type>) {
  return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
}

Value computeCastFn(OpBuilder &b, Location loc, Operation *op, ValueRange args,
                    ArrayRef<Type> types) {
  Type to = cast<ShapedType>(op->getResult(0).getType()).getElementType();
  return createCast(b, loc, args[0], types[0], to);
}

/// quantize / dequantize: the scale and zero point come from the quantized type; per
/// axis they are constant tensors read through the map (d_axis), so the body is the
/// same scalar formula (ElementSemantics.cpp) either way.
///   quantize(x)   = clamp(round_half_even(x / s[c]) + zp[c], qmin, qmax)
///   dequantize(q) = (q - zp[c]) * s[c]
template <typename OpTy>
struct QuantizationLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    constexpr bool isQuantize = std::is_same_v<OpTy, QuantizeOp>;
    auto quantizedType = cast<RankedTensorType>(isQuantize ? op.getOutput().getType()
                                                           : op.getInput().getType());
    auto q = cast<quant::QuantizedType>(quantizedType.getElementType());
    auto resultType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getOutput().getType()));
    Location loc = op.getLoc();
    Type arithType = getQuantArithmeticType(q);
    Type i32 = rewriter.getI32Type();
    int64_t rank = resultType.getRank();

    SmallVector<Value> inputs = {adaptor.getInput()};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    double scale = 0;
    int64_t zeroPoint = 0;
    bool perAxis = false;
    if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(q)) {
      scale = perTensor.getScale();
      zeroPoint = perTensor.getZeroPoint();
    } else {
      auto axisType = cast<quant::UniformQuantizedPerAxisType>(q);
      int64_t axis = axisType.getQuantizedDimension();
      int64_t size = static_cast<int64_t>(axisType.getScales().size());
      perAxis = true;
      SmallVector<Attribute> scales, zeroPoints;
      for (double s : axisType.getScales()) {
        scales.push_back(rewriter.getFloatAttr(arithType, s));
      }
      for (int64_t z : axisType.getZeroPoints()) {
        zeroPoints.push_back(rewriter.getI32IntegerAttr(static_cast<int32_t>(z)));
      }
      auto scaleType = RankedTensorType::get({size}, arithType);
      auto zpType = RankedTensorType::get({size}, i32);
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(scaleType, scales)));
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(zpType, zeroPoints)));
      AffineMap channel = AffineMap::get(static_cast<unsigned>(rank), 0,
                                         rewriter.getAffineDimExpr(axis));
      maps.push_back(channel);
      maps.push_back(channel);
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    Value init = createEmptyTensor(rewriter, loc, resultType.getShape(),
                                   resultType.getElementType());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
        getParallelIterators(static_cast<unsigned>(rank)),
        [&](OpBuilder &b, Location l, ValueRange args) {
          QuantParams params;
          if (perAxis) {
            params.scale = args[1];
            params.zeroPoint = args[2];
          } else {
            params.scale = createFloatConstant(b, l, arithType, scale);
            params.zeroPointValue = zeroPoint;
          }
          Value r = isQuantize ? createQuantize(b, l, args[0], q, params)
                               : createDequantize(b, l, args[0], q, params);
          linalg::YieldOp::create(b, l, r);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateElementwiseToLinalgPatterns(TypeConverter &typeConverter,
                                         RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  auto add = [&](auto tag, auto compute) {
    using OpTy = typename decltype(tag)::type;
    patterns.add<ElementwiseLowering<OpTy>>(typeConverter, ctx, compute);
  };
  auto unary = [&](auto... tags) { (add(tags, &computeUnary), ...); };
  auto binary = [&](auto... tags) { (add(tags, &computeBinary), ...); };
  unary(llvm::type_identity<NegOp>(), llvm::type_identity<AbsOp>(),
        llvm::type_identity<ExpOp>(), llvm::type_identity<LogOp>(),
        llvm::type_identity<SqrtOp>(), llvm::type_identity<RsqrtOp>(),
        llvm::type_identity<ReciprocalOp>(), llvm::type_identity<TanhOp>(),
        llvm::type_identity<SigmoidOp>(), llvm::type_identity<ReluOp>(),
        llvm::type_identity<ErfOp>(), llvm::type_identity<FloorOp>(),
        llvm::type_identity<CeilOp>(), llvm::type_identity<RoundOp>(),
        llvm::type_identity<SinOp>(), llvm::type_identity<CosOp>(),
        llvm::type_identity<NotOp>(), llvm::type_identity<GeluOp>(),
        llvm::type_identity<ClipOp>());
  binary(llvm::type_identity<AddOp>(), llvm::type_identity<SubOp>(),
         llvm::type_identity<MulOp>(), llvm::type_identity<DivOp>(),
         llvm::type_identity<PowOp>(), llvm::type_identity<MaxOp>(),
         llvm::type_identity<MinOp>(), llvm::type_identity<AndOp>(),
         llvm::type_identity<OrOp>());
  add(llvm::type_identity<CmpOp>(), &computeCmpFn);
  add(llvm::type_identity<SelectOp>(), &computeSelectFn);
  add(llvm::type_identity<CastOp>(), &computeCastFn);
  patterns.add<QuantizationLowering<QuantizeOp>, QuantizationLowering<DequantizeOp>>(
      typeConverter, ctx);
}

} // namespace kiln
