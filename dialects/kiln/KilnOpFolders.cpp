//===- KilnOpFolders.cpp - folders of kiln ops ------------------------------===//
//
// Plain identities (x + 0, x * 1, transpose of transpose, reshape of reshape, broadcast of
// a splat, ...) and constant folding of small tensors. Constant folding only touches
// inline `dense<>` constants that are splats or have at most kMaxFoldedElements
// elements: weights in resource blobs are never copied into attributes.
//
// Float arithmetic folds with APFloat in the element type's own semantics (exactly what
// the hardware computes); transcendental functions go through double and round once.
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

#include <cmath>

using namespace mlir;
using llvm::APFloat;
using llvm::APInt;

namespace kiln {
namespace {

constexpr int64_t kMaxFoldedElements = 1024;

/// An inline constant small enough (or splat) to fold.
DenseElementsAttr getFoldable(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || (!dense.isSplat() && dense.getNumElements() > kMaxFoldedElements)) {
    return {};
  }
  return dense;
}

double toDouble(APFloat v) {
  bool lost = false;
  v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return v.convertToDouble();
}

APFloat fromDouble(double d, const llvm::fltSemantics &sem) {
  APFloat v(d);
  bool lost = false;
  v.convert(sem, APFloat::rmNearestTiesToEven, &lost);
  return v;
}

/// Whether `attr` is a splat whose every element equals `value`.
bool isSplatOf(Attribute attr, int64_t value) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !dense.isSplat()) {
    return false;
  }
  Type et = dense.getElementType();
  if (auto ft = dyn_cast<FloatType>(et)) {
    APFloat v = dense.getSplatValue<APFloat>();
    return value == 0 ? v.isZero() : v.compare(fromDouble(value, ft.getFloatSemantics())) ==
                                         APFloat::cmpEqual;
  }
  if (et.isInteger(1)) {
    return dense.getSplatValue<APInt>().getZExtValue() == static_cast<uint64_t>(value);
  }
  if (et.isIntOrIndex()) {
    return dense.getSplatValue<APInt>().getSExtValue() == value;
  }
  return false;
}

/// `v` when its type is `type` (a fold may only return a value of the result's type).
OpFoldResult ifSameType(Value v, Type type) {
  return v.getType() == type ? OpFoldResult(v) : OpFoldResult();
}

template <typename T>
Attribute makeDense(RankedTensorType type, ArrayRef<T> values) {
  return DenseElementsAttr::get(type, values);
}

/// Applies `fn` to every element of a float constant.
template <typename Fn>
Attribute foldFloatUnary(Attribute operand, Fn fn) {
  DenseElementsAttr c = getFoldable(operand);
  if (!c || !isa<FloatType>(c.getElementType())) {
    return {};
  }
  const auto &sem = cast<FloatType>(c.getElementType()).getFloatSemantics();
  auto apply = [&](const APFloat &v) { return fromDouble(fn(toDouble(v)), sem); };
  auto type = cast<RankedTensorType>(c.getType());
  if (c.isSplat()) {
    return DenseElementsAttr::get(type, apply(c.getSplatValue<APFloat>()));
  }
  SmallVector<APFloat> out;
  for (const APFloat &v : c.getValues<APFloat>()) {
    out.push_back(apply(v));
  }
  return makeDense<APFloat>(type, out);
}

/// Applies `fn` to every element of an integer constant.
template <typename Fn>
Attribute foldIntUnary(Attribute operand, Fn fn) {
  DenseElementsAttr c = getFoldable(operand);
  if (!c || !c.getElementType().isInteger()) {
    return {};
  }
  auto type = cast<RankedTensorType>(c.getType());
  if (c.isSplat()) {
    return DenseElementsAttr::get(type, fn(c.getSplatValue<APInt>()));
  }
  SmallVector<APInt> out;
  for (const APInt &v : c.getValues<APInt>()) {
    out.push_back(fn(v));
  }
  return makeDense<APInt>(type, out);
}

/// Row-major strides of `shape` for reading an operand broadcast to `resultShape`
/// (stride 0 along broadcast dims).
SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> shape, ArrayRef<int64_t> resultShape) {
  SmallVector<int64_t> strides(resultShape.size(), 0);
  int64_t stride = 1;
  size_t offset = resultShape.size() - shape.size();
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    strides[d + offset] = shape[d] == 1 ? 0 : stride;
    stride *= shape[d];
  }
  return strides;
}

/// Evaluates `fn(a[i], b[i])` over the broadcast of two constants. `Elem` is the operand
/// element class (APFloat or APInt), `Res` the result's. Fails (empty) if any element
/// does not fold (`fn` returns std::nullopt) or the result would be too large.
template <typename Elem, typename Res, typename Fn>
Attribute foldBinaryBroadcast(DenseElementsAttr a, DenseElementsAttr b,
                              RankedTensorType resultType, Fn fn) {
  if (!a || !b || !resultType.hasStaticShape()) {
    return {};
  }
  if (a.isSplat() && b.isSplat()) {
    std::optional<Res> r = fn(a.getSplatValue<Elem>(), b.getSplatValue<Elem>());
    if (!r) {
      return {};
    }
    return DenseElementsAttr::get(resultType, *r);
  }
  if (resultType.getNumElements() > kMaxFoldedElements) {
    return {};
  }
  ArrayRef<int64_t> shape = resultType.getShape();
  SmallVector<int64_t> sa = broadcastStrides(cast<ShapedType>(a.getType()).getShape(), shape);
  SmallVector<int64_t> sb = broadcastStrides(cast<ShapedType>(b.getType()).getShape(), shape);
  auto va = a.getValues<Elem>();
  auto vb = b.getValues<Elem>();
  SmallVector<Res> out;
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t linear = 0, n = resultType.getNumElements(); linear < n; ++linear) {
    int64_t ia = 0, ib = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      ia += index[d] * sa[d];
      ib += index[d] * sb[d];
    }
    std::optional<Res> r = fn(va[a.isSplat() ? 0 : ia], vb[b.isSplat() ? 0 : ib]);
    if (!r) {
      return {};
    }
    out.push_back(*r);
    for (int64_t d = shape.size() - 1; d >= 0; --d) { // next row-major index
      if (++index[d] < shape[d]) {
        break;
      }
      index[d] = 0;
    }
  }
  return makeDense<Res>(resultType, out);
}

/// Folds an arithmetic binary op on constants: `ff` on floats, `fi` on integers.
template <typename FloatFn, typename IntFn>
Attribute foldArith(ArrayRef<Attribute> operands, Type resultType, FloatFn ff, IntFn fi) {
  DenseElementsAttr a = getFoldable(operands[0]), b = getFoldable(operands[1]);
  auto rt = cast<RankedTensorType>(resultType);
  if (!a || !b || a.getElementType() != rt.getElementType()) {
    return {};
  }
  if (isa<FloatType>(rt.getElementType())) {
    return foldBinaryBroadcast<APFloat, APFloat>(a, b, rt, ff);
  }
  return foldBinaryBroadcast<APInt, APInt>(a, b, rt, fi);
}

template <typename T>
std::optional<T> none() {
  return std::nullopt;
}

bool isIdentityPermutation(ArrayRef<int64_t> perm) {
  for (auto [i, p] : llvm::enumerate(perm)) {
    if (static_cast<int64_t>(i) != p) {
      return false;
    }
  }
  return true;
}

/// A splat constant re-shaped to `type` (broadcast, reshape, transpose, slice of a splat).
OpFoldResult splatAs(Attribute operand, Type type) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(operand);
  auto rt = cast<RankedTensorType>(type);
  if (!splat || !rt.hasStaticShape() || splat.getElementType() != rt.getElementType()) {
    return {};
  }
  return splat.resizeSplat(rt);
}

} // namespace

//===----------------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------------===//

// add(x, 0) => x, add(0, x) => x (sign of zero not preserved, as in XLA)
OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 0)) {
    if (OpFoldResult r = ifSameType(getLhs(), getType())) {
      return r;
    }
  }
  if (isSplatOf(adaptor.getLhs(), 0)) {
    if (OpFoldResult r = ifSameType(getRhs(), getType())) {
      return r;
    }
  }
  return foldArith(
      adaptor.getOperands(), getType(),
      [](APFloat a, const APFloat &b) -> std::optional<APFloat> {
        a.add(b, APFloat::rmNearestTiesToEven);
        return a;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> { return a + b; });
}

// sub(x, 0) => x (sign of zero not preserved for x = -0, as with add)
OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 0)) {
    if (OpFoldResult r = ifSameType(getLhs(), getType())) {
      return r;
    }
  }
  return foldArith(
      adaptor.getOperands(), getType(),
      [](APFloat a, const APFloat &b) -> std::optional<APFloat> {
        a.subtract(b, APFloat::rmNearestTiesToEven);
        return a;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> { return a - b; });
}

// mul(x, 1) => x, mul(1, x) => x
OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 1)) {
    if (OpFoldResult r = ifSameType(getLhs(), getType())) {
      return r;
    }
  }
  if (isSplatOf(adaptor.getLhs(), 1)) {
    if (OpFoldResult r = ifSameType(getRhs(), getType())) {
      return r;
    }
  }
  return foldArith(
      adaptor.getOperands(), getType(),
      [](APFloat a, const APFloat &b) -> std::optional<APFloat> {
        a.multiply(b, APFloat::rmNearestTiesToEven);
        return a;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> { return a * b; });
}

// div(x, 1) => x; integer division by zero never folds
OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 1)) {
    if (OpFoldResult r = ifSameType(getLhs(), getType())) {
      return r;
    }
  }
  bool isUnsigned = getType().getElementType().isUnsignedInteger();
  return foldArith(
      adaptor.getOperands(), getType(),
      [](APFloat a, const APFloat &b) -> std::optional<APFloat> {
        a.divide(b, APFloat::rmNearestTiesToEven);
        return a;
      },
      [isUnsigned](const APInt &a, const APInt &b) -> std::optional<APInt> {
        if (b.isZero()) {
          return std::nullopt;
        }
        return isUnsigned ? a.udiv(b) : a.sdiv(b);
      });
}

// pow(x, 1) => x
OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 1)) {
    if (OpFoldResult r = ifSameType(getLhs(), getType())) {
      return r;
    }
  }
  return foldArith(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return fromDouble(std::pow(toDouble(a), toDouble(b)), a.getSemantics());
      },
      [](const APInt &, const APInt &) { return none<APInt>(); });
}

// max(x, x) => x
OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs()) {
    return ifSameType(getLhs(), getType());
  }
  bool isUnsigned = getType().getElementType().isUnsignedInteger();
  return foldArith(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return llvm::maximum(a, b);
      },
      [isUnsigned](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return (isUnsigned ? a.uge(b) : a.sge(b)) ? a : b;
      });
}

// min(x, x) => x
OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs()) {
    return ifSameType(getLhs(), getType());
  }
  bool isUnsigned = getType().getElementType().isUnsignedInteger();
  return foldArith(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return llvm::minimum(a, b);
      },
      [isUnsigned](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return (isUnsigned ? a.ule(b) : a.sle(b)) ? a : b;
      });
}

// and(x, x) => x, and(x, true) => x
OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs() || isSplatOf(adaptor.getRhs(), 1)) {
    if (OpFoldResult r = ifSameType(getLhs(), getType())) {
      return r;
    }
  }
  return foldArith(
      adaptor.getOperands(), getType(), [](const APFloat &, const APFloat &) {
        return none<APFloat>();
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> { return a & b; });
}

// or(x, x) => x, or(x, false) => x
OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs() || isSplatOf(adaptor.getRhs(), 0)) {
    if (OpFoldResult r = ifSameType(getLhs(), getType())) {
      return r;
    }
  }
  return foldArith(
      adaptor.getOperands(), getType(), [](const APFloat &, const APFloat &) {
        return none<APFloat>();
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> { return a | b; });
}

OpFoldResult CmpOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr a = getFoldable(adaptor.getLhs()), b = getFoldable(adaptor.getRhs());
  if (!a || !b) {
    return {};
  }
  CmpPredicate pred = getPredicate();
  auto decide = [pred](bool eq, bool lt, bool unordered) -> std::optional<APInt> {
    bool r = false;
    switch (pred) {
    case CmpPredicate::eq:
      r = eq;
      break;
    case CmpPredicate::ne:
      r = !eq; // NaN != NaN
      break;
    case CmpPredicate::lt:
      r = lt;
      break;
    case CmpPredicate::le:
      r = lt || eq;
      break;
    case CmpPredicate::gt:
      r = !lt && !eq && !unordered;
      break;
    case CmpPredicate::ge:
      r = !lt && !unordered;
      break;
    }
    return APInt(1, r);
  };
  RankedTensorType rt = getType();
  if (isa<FloatType>(a.getElementType())) {
    return foldBinaryBroadcast<APFloat, APInt>(a, b, rt, [&](const APFloat &x, const APFloat &y) {
      APFloat::cmpResult c = x.compare(y);
      return decide(c == APFloat::cmpEqual, c == APFloat::cmpLessThan,
                    c == APFloat::cmpUnordered);
    });
  }
  bool isUnsigned = !a.getElementType().isSignlessInteger() || a.getElementType().isInteger(1);
  return foldBinaryBroadcast<APInt, APInt>(a, b, rt, [&](const APInt &x, const APInt &y) {
    return decide(x == y, isUnsigned ? x.ult(y) : x.slt(y), false);
  });
}

// select(true, a, b) => a; select(false, a, b) => b; select(c, a, a) => a
OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  if (getOnTrue() == getOnFalse()) {
    if (OpFoldResult r = ifSameType(getOnTrue(), getType())) {
      return r;
    }
  }
  if (isSplatOf(adaptor.getCondition(), 1)) {
    return ifSameType(getOnTrue(), getType());
  }
  if (isSplatOf(adaptor.getCondition(), 0)) {
    return ifSameType(getOnFalse(), getType());
  }
  return {};
}

//===----------------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------------===//

// neg(neg(x)) => x
OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>()) {
    return inner.getInput();
  }
  if (Attribute r = foldFloatUnary(adaptor.getInput(), [](double x) { return -x; })) {
    return r;
  }
  return foldIntUnary(adaptor.getInput(), [](const APInt &x) { return -x; });
}

// abs(abs(x)) => abs(x)
OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<AbsOp>()) {
    return inner.getResult();
  }
  if (Attribute r = foldFloatUnary(adaptor.getInput(), [](double x) { return std::fabs(x); })) {
    return r;
  }
  return foldIntUnary(adaptor.getInput(), [](const APInt &x) { return x.abs(); });
}

// relu(relu(x)) => relu(x)
OpFoldResult ReluOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<ReluOp>()) {
    return inner.getResult();
  }
  if (Attribute r = foldFloatUnary(adaptor.getInput(),
                                   [](double x) { return x > 0 ? x : (x != x ? x : 0.0); })) {
    return r;
  }
  return foldIntUnary(adaptor.getInput(), [](const APInt &x) {
    return x.isNegative() ? APInt::getZero(x.getBitWidth()) : x;
  });
}

// not(not(x)) => x
OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<NotOp>()) {
    return inner.getInput();
  }
  return foldIntUnary(adaptor.getInput(), [](const APInt &x) { return ~x; });
}

#define KILN_FLOAT_UNARY_FOLD(OP, EXPR)                                                    \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                             \
    return foldFloatUnary(adaptor.getInput(), [](double x) { return (EXPR); });            \
  }

KILN_FLOAT_UNARY_FOLD(ExpOp, std::exp(x))
KILN_FLOAT_UNARY_FOLD(LogOp, std::log(x))
KILN_FLOAT_UNARY_FOLD(SqrtOp, std::sqrt(x))
KILN_FLOAT_UNARY_FOLD(RsqrtOp, 1.0 / std::sqrt(x))
KILN_FLOAT_UNARY_FOLD(ReciprocalOp, 1.0 / x)
KILN_FLOAT_UNARY_FOLD(TanhOp, std::tanh(x))
KILN_FLOAT_UNARY_FOLD(SigmoidOp, 1.0 / (1.0 + std::exp(-x)))
KILN_FLOAT_UNARY_FOLD(ErfOp, std::erf(x))
KILN_FLOAT_UNARY_FOLD(FloorOp, std::floor(x))
KILN_FLOAT_UNARY_FOLD(CeilOp, std::ceil(x))
KILN_FLOAT_UNARY_FOLD(RoundOp, std::nearbyint(x)) // ties to even in the default mode
KILN_FLOAT_UNARY_FOLD(SinOp, std::sin(x))
KILN_FLOAT_UNARY_FOLD(CosOp, std::cos(x))
#undef KILN_FLOAT_UNARY_FOLD

OpFoldResult GeluOp::fold(FoldAdaptor adaptor) {
  if (getApproximate() == GeluApproximation::tanh) {
    return foldFloatUnary(adaptor.getInput(), [](double x) {
      const double k = std::sqrt(2.0 / M_PI);
      return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
    });
  }
  return foldFloatUnary(adaptor.getInput(),
                        [](double x) { return 0.5 * x * (1.0 + std::erf(x / M_SQRT2)); });
}

// clip(x) with neither bound => x
OpFoldResult ClipOp::fold(FoldAdaptor adaptor) {
  if (!getMin() && !getMax()) {
    return getInput();
  }
  double lo = getMin() ? getMin()->convertToDouble() : -INFINITY;
  double hi = getMax() ? getMax()->convertToDouble() : INFINITY;
  return foldFloatUnary(adaptor.getInput(),
                        [=](double x) { return x != x ? x : std::min(std::max(x, lo), hi); });
}

// cast to the same type => x
OpFoldResult CastOp::fold(FoldAdaptor) {
  return ifSameType(getInput(), getType());
}

//===----------------------------------------------------------------------------===//
// Data movement, reductions, constants
//===----------------------------------------------------------------------------===//

// transpose(x, identity) => x; transpose(transpose(x, p), q) => transpose(x, p o q)
OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  if (isIdentityPermutation(perm)) {
    return ifSameType(getInput(), getType());
  }
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    // out[i] = mid[perm[i]] = in[innerPerm[perm[i]]]
    ArrayRef<int64_t> innerPerm = inner.getPermutation();
    SmallVector<int64_t> composed;
    for (int64_t p : perm) {
      composed.push_back(innerPerm[p]);
    }
    if (isIdentityPermutation(composed)) {
      return ifSameType(inner.getInput(), getType());
    }
    getInputMutable().assign(inner.getInput());
    setPermutation(composed);
    return getResult();
  }
  return splatAs(adaptor.getInput(), getType());
}

// reshape(x) to x's type => x; reshape(reshape(x)) => reshape(x)
OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType()) {
    return getInput();
  }
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    if (inner.getInput().getType() == getType()) {
      return inner.getInput();
    }
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  DenseElementsAttr c = getFoldable(adaptor.getInput());
  if (c && c.getElementType() == getType().getElementType() && getType().hasStaticShape()) {
    return c.reshape(getType());
  }
  return {};
}

// broadcast_to(x) to x's type => x; broadcast_to(splat) => splat;
// broadcast_to(broadcast_to(x)) => broadcast_to(x)
OpFoldResult BroadcastToOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType()) {
    return getInput();
  }
  if (auto inner = getInput().getDefiningOp<BroadcastToOp>()) {
    // Only when the inner input broadcasts to this result directly (a `?` in the middle
    // could hide an impossible broadcast).
    if (findNonBroadcastableDim(inner.getInput().getType().getShape(),
                                getType().getShape()) < 0) {
      getInputMutable().assign(inner.getInput());
      return getResult();
    }
  }
  return splatAs(adaptor.getInput(), getType());
}

// A slice covering the whole input with step 1 => x
OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  RankedTensorType in = getInput().getType();
  bool whole = in.hasStaticShape();
  for (int64_t d = 0; whole && d < in.getRank(); ++d) {
    whole = getStarts()[d] == 0 && getSteps()[d] == 1 && getEnds()[d] == in.getDimSize(d);
  }
  if (whole) {
    return ifSameType(getInput(), getType());
  }
  return splatAs(adaptor.getInput(), getType());
}

// concat(x) => x
OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1) {
    return ifSameType(getInputs().front(), getType());
  }
  return {};
}

// pad(x, all zeros) => x
OpFoldResult PadOp::fold(FoldAdaptor) {
  if (llvm::all_of(getPads(), [](int64_t p) { return p == 0; })) {
    return ifSameType(getInput(), getType());
  }
  return {};
}

// Reducing only size-1 dims with keep_dims changes nothing: reduce(x) => x
OpFoldResult ReduceOp::fold(FoldAdaptor) {
  RankedTensorType in = getInput().getType();
  if (getKeepDims() &&
      llvm::all_of(getAxes(), [&](int64_t a) { return in.getDimSize(a) == 1; })) {
    return ifSameType(getInput(), getType());
  }
  return {};
}

// A ConstantLike op must always fold to its value (MLIR's constant matcher relies on it).
// For a quantized result that is the integer storage; every folder that reads constant
// operands checks element types, so the storage is never mistaken for the quantized
// values, and materializeConstant never recreates a quantized constant from it.
OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

} // namespace kiln
