//===- ElementwiseKernels.cpp - elementwise evaluators of the interpreter --===//
//
// Unary and binary math, cmp, select, and/or/not, cast, clip, gelu, quantize and
// dequantize, with ONNX semantics. Floats are computed in double and rounded once to the
// result type; integers are computed exactly in int64 (uint64 arithmetic where C++
// signed overflow would be undefined) and wrapped to the result type, so integer
// overflow wraps as in C and numpy. Binary ops, cmp and select broadcast the numpy way.
//
//===----------------------------------------------------------------------------===//
#include "lib/interp/Kernels.h"

#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <cmath>
#include <functional>
#include <limits>

using namespace mlir;

namespace kiln::interp {

//===----------------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------------===//

/// A zero-filled tensor of the type of `op`'s result `index`.
static Tensor makeResult(Operation *op, unsigned index = 0) {
  auto type = cast<RankedTensorType>(op->getResult(index).getType());
  return Tensor(type.getElementType(), type.getShape());
}

/// Row-major offset into an operand read with `operandStrides` (from
/// getBroadcastStrides) for result element `i` of a result with `resultStrides`.
static int64_t broadcastOffset(int64_t i, ArrayRef<int64_t> resultStrides,
                               ArrayRef<int64_t> operandStrides) {
  int64_t offset = 0;
  for (size_t d = 0; d < resultStrides.size(); ++d) {
    offset += (i / resultStrides[d]) * operandStrides[d];
    i %= resultStrides[d];
  }
  return offset;
}

/// Bit width of an integer type (or a quantized type's storage).
static unsigned integerWidth(Type t) {
  if (auto q = dyn_cast<quant::QuantizedType>(t)) {
    return q.getStorageType().getIntOrFloatBitWidth();
  }
  return t.getIntOrFloatBitWidth();
}

/// Smallest and largest value of integer type `t`, as stored in a Tensor (uint64 values
/// as bit patterns, so u64's maximum is -1).
static std::pair<int64_t, int64_t> integerRange(Type t) {
  unsigned width = integerWidth(t);
  if (width == 1) {
    return {0, 1};
  }
  if (isUnsignedInteger(t)) {
    return {0, width >= 64 ? int64_t(-1) : static_cast<int64_t>((uint64_t(1) << width) - 1)};
  }
  if (width >= 64) {
    return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  }
  return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
}

/// Integer `v` (unsigned if `isUnsigned`) as the nearest value of float type `t`, with a
/// single round-to-nearest-even step: the magnitude is first rounded to the type's
/// precision in integer arithmetic, so the result is exact for every int64 and uint64
/// (going through double would round twice above 2^53).
static double integerToFloatType(int64_t v, bool isUnsigned, Type t) {
  unsigned precision = cast<FloatType>(t).getFPMantissaWidth();
  bool negative = !isUnsigned && v < 0;
  uint64_t magnitude =
      negative ? uint64_t(0) - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  unsigned bits = magnitude == 0 ? 0 : 64 - __builtin_clzll(magnitude);
  double rounded;
  if (bits <= precision) {
    rounded = static_cast<double>(magnitude);
  } else {
    unsigned shift = bits - precision;
    uint64_t kept = magnitude >> shift;
    uint64_t rest = magnitude & ((uint64_t(1) << shift) - 1);
    uint64_t half = uint64_t(1) << (shift - 1);
    if (rest > half || (rest == half && (kept & 1))) {
      ++kept;
    }
    rounded = std::ldexp(static_cast<double>(kept), static_cast<int>(shift));
  }
  return roundToFloatType(negative ? -rounded : rounded, t);
}

//===----------------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------------===//

/// max(x, lo) then min(x, hi); NaN stays NaN (numpy clip).
static double clampFloat(double x, std::optional<double> lo, std::optional<double> hi) {
  if (lo && x < *lo) {
    x = *lo;
  }
  if (hi && x > *hi) {
    x = *hi;
  }
  return x;
}

/// The float function of a unary op, or null if `op` is not a unary float op.
static std::function<double(double)> getFloatUnaryFn(Operation *op) {
  if (isa<NegOp>(op)) {
    return [](double x) { return -x; };
  }
  if (isa<AbsOp>(op)) {
    return [](double x) { return std::fabs(x); };
  }
  if (isa<ExpOp>(op)) {
    return [](double x) { return std::exp(x); };
  }
  if (isa<LogOp>(op)) {
    return [](double x) { return std::log(x); };
  }
  if (isa<SqrtOp>(op)) {
    return [](double x) { return std::sqrt(x); };
  }
  if (isa<RsqrtOp>(op)) {
    return [](double x) { return 1.0 / std::sqrt(x); };
  }
  if (isa<ReciprocalOp>(op)) {
    return [](double x) { return 1.0 / x; };
  }
  if (isa<TanhOp>(op)) {
    return [](double x) { return std::tanh(x); };
  }
  if (isa<SigmoidOp>(op)) {
    return [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  }
  if (isa<ReluOp>(op)) {
    // x < 0 is false for NaN, so NaN propagates like numpy's maximum(x, 0).
    return [](double x) { return x < 0 ? 0.0 : x; };
  }
  if (isa<ErfOp>(op)) {
    return [](double x) { return std::erf(x); };
  }
  if (isa<FloorOp>(op)) {
    return [](double x) { return std::floor(x); };
  }
  if (isa<CeilOp>(op)) {
    return [](double x) { return std::ceil(x); };
  }
  if (isa<RoundOp>(op)) {
    // The default rounding mode is to nearest, ties to even (ONNX Round).
    return [](double x) { return std::nearbyint(x); };
  }
  if (isa<SinOp>(op)) {
    return [](double x) { return std::sin(x); };
  }
  if (isa<CosOp>(op)) {
    return [](double x) { return std::cos(x); };
  }
  if (auto gelu = dyn_cast<GeluOp>(op)) {
    if (gelu.getApproximate() == GeluApproximation::tanh) {
      return [](double x) {
        const double k = std::sqrt(2.0 / 3.14159265358979323846);
        return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
      };
    }
    return [](double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); };
  }
  if (auto clip = dyn_cast<ClipOp>(op)) {
    std::optional<double> lo, hi;
    if (auto min = clip.getMin()) {
      lo = min->convertToDouble();
    }
    if (auto max = clip.getMax()) {
      hi = max->convertToDouble();
    }
    return [lo, hi](double x) { return clampFloat(x, lo, hi); };
  }
  return nullptr;
}

/// The integer bounds of clip on integer type `t`: min rounded up and max rounded down
/// to integers, saturated to the type's range. Comparing integers with these bounds is
/// exact and equals comparing them with the f64 attributes as values.
static std::pair<int64_t, int64_t> getIntegerClipBounds(ClipOp clip, Type t) {
  // clip takes signed integers only.
  int64_t lo = integerRange(t).first, hi = integerRange(t).second;
  auto toBound = [&](double v) {
    if (v <= static_cast<double>(lo)) {
      return lo;
    }
    if (v >= static_cast<double>(hi)) {
      return hi;
    }
    return static_cast<int64_t>(v);
  };
  int64_t minBound = lo, maxBound = hi;
  if (auto min = clip.getMin()) {
    minBound = toBound(std::ceil(min->convertToDouble()));
  }
  if (auto max = clip.getMax()) {
    maxBound = toBound(std::floor(max->convertToDouble()));
  }
  return {minBound, maxBound};
}

static FamilyResult evalUnary(Operation *op, ArrayRef<Tensor> operands,
                              SmallVectorImpl<Tensor> &results) {
  if (!isa<NegOp, AbsOp, ExpOp, LogOp, SqrtOp, RsqrtOp, ReciprocalOp, TanhOp, SigmoidOp,
           ReluOp, ErfOp, FloorOp, CeilOp, RoundOp, SinOp, CosOp, NotOp, GeluOp, ClipOp>(
          op)) {
    return std::nullopt;
  }
  const Tensor &x = operands[0];
  Tensor out = makeResult(op);
  int64_t n = out.getNumElements();
  if (x.isFloat()) {
    std::function<double(double)> fn = getFloatUnaryFn(op);
    for (int64_t i = 0; i < n; ++i) {
      out.setDouble(i, fn(x.floats()[i]));
    }
    results.push_back(std::move(out));
    return success();
  }
  // Integer forms: neg, abs, relu, clip on signed integers and not on i1. Negation goes
  // through uint64 so the most negative value wraps to itself instead of overflowing.
  std::function<int64_t(int64_t)> fn;
  if (isa<NegOp>(op)) {
    fn = [](int64_t v) { return static_cast<int64_t>(uint64_t(0) - static_cast<uint64_t>(v)); };
  } else if (isa<AbsOp>(op)) {
    fn = [](int64_t v) {
      return v < 0 ? static_cast<int64_t>(uint64_t(0) - static_cast<uint64_t>(v)) : v;
    };
  } else if (isa<ReluOp>(op)) {
    fn = [](int64_t v) { return v < 0 ? int64_t(0) : v; };
  } else if (isa<NotOp>(op)) {
    fn = [](int64_t v) { return v == 0 ? int64_t(1) : int64_t(0); };
  } else if (auto clip = dyn_cast<ClipOp>(op)) {
    std::pair<int64_t, int64_t> bounds = getIntegerClipBounds(clip, x.getElementType());
    int64_t lo = bounds.first, hi = bounds.second;
    fn = [lo, hi](int64_t v) { return std::min(std::max(v, lo), hi); };
  } else {
    return op->emitError("interpreter: '")
           << op->getName() << "' is not defined on " << x.getElementType();
  }
  for (int64_t i = 0; i < n; ++i) {
    out.setInt(i, fn(x.ints()[i]));
  }
  results.push_back(std::move(out));
  return success();
}

//===----------------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------------===//

namespace {
enum class BinaryKind { Add, Sub, Mul, Div, Pow, Max, Min, And, Or };
} // namespace

static std::optional<BinaryKind> getBinaryKind(Operation *op) {
  if (isa<AddOp>(op)) {
    return BinaryKind::Add;
  }
  if (isa<SubOp>(op)) {
    return BinaryKind::Sub;
  }
  if (isa<MulOp>(op)) {
    return BinaryKind::Mul;
  }
  if (isa<DivOp>(op)) {
    return BinaryKind::Div;
  }
  if (isa<PowOp>(op)) {
    return BinaryKind::Pow;
  }
  if (isa<MaxOp>(op)) {
    return BinaryKind::Max;
  }
  if (isa<MinOp>(op)) {
    return BinaryKind::Min;
  }
  if (isa<AndOp>(op)) {
    return BinaryKind::And;
  }
  if (isa<OrOp>(op)) {
    return BinaryKind::Or;
  }
  return std::nullopt;
}

static double applyFloatBinary(BinaryKind kind, double a, double b) {
  switch (kind) {
  case BinaryKind::Add:
    return a + b;
  case BinaryKind::Sub:
    return a - b;
  case BinaryKind::Mul:
    return a * b;
  case BinaryKind::Div:
    return a / b;
  case BinaryKind::Pow:
    return std::pow(a, b);
  case BinaryKind::Max:
    // NaN propagates (numpy maximum), unlike std::fmax.
    return std::isnan(a) || std::isnan(b) ? std::numeric_limits<double>::quiet_NaN()
                                          : (a < b ? b : a);
  case BinaryKind::Min:
    return std::isnan(a) || std::isnan(b) ? std::numeric_limits<double>::quiet_NaN()
                                          : (b < a ? b : a);
  case BinaryKind::And:
  case BinaryKind::Or:
    break;
  }
  llvm_unreachable("and/or take i1 operands");
}

/// base^exponent, exact modulo 2^64 (so exact after wrapping to any narrower type). A
/// negative signed exponent gives 0 except for bases 1 and -1.
static int64_t integerPow(int64_t base, int64_t exponent, bool isUnsigned) {
  if (!isUnsigned && exponent < 0) {
    if (base == 1) {
      return 1;
    }
    if (base == -1) {
      return (exponent & 1) ? -1 : 1;
    }
    return 0;
  }
  uint64_t result = 1, square = static_cast<uint64_t>(base);
  for (uint64_t e = static_cast<uint64_t>(exponent); e != 0; e >>= 1) {
    if (e & 1) {
      result *= square;
    }
    square *= square;
  }
  return static_cast<int64_t>(result);
}

/// `a kind b` on integers of type `t`; std::nullopt for a division by zero.
static std::optional<int64_t> applyIntegerBinary(BinaryKind kind, int64_t a, int64_t b,
                                                 Type t) {
  bool isUnsigned = isUnsignedInteger(t);
  uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  switch (kind) {
  case BinaryKind::Add:
    return static_cast<int64_t>(ua + ub);
  case BinaryKind::Sub:
    return static_cast<int64_t>(ua - ub);
  case BinaryKind::Mul:
    return static_cast<int64_t>(ua * ub);
  case BinaryKind::Div:
    if (b == 0) {
      return std::nullopt;
    }
    if (isUnsigned) {
      return static_cast<int64_t>(ua / ub);
    }
    if (a == std::numeric_limits<int64_t>::min() && b == -1) {
      return a; // wraps, as every other overflow does
    }
    return a / b; // C++ truncates toward zero, as ONNX Div does
  case BinaryKind::Pow:
    return integerPow(a, b, isUnsigned);
  case BinaryKind::Max:
    return (isUnsigned ? ua < ub : a < b) ? b : a;
  case BinaryKind::Min:
    return (isUnsigned ? ub < ua : b < a) ? b : a;
  case BinaryKind::And:
    return (a != 0 && b != 0) ? 1 : 0;
  case BinaryKind::Or:
    return (a != 0 || b != 0) ? 1 : 0;
  }
  llvm_unreachable("unknown binary kind");
}

static FamilyResult evalBinary(Operation *op, ArrayRef<Tensor> operands,
                               SmallVectorImpl<Tensor> &results) {
  std::optional<BinaryKind> kind = getBinaryKind(op);
  if (!kind) {
    return std::nullopt;
  }
  const Tensor &lhs = operands[0], &rhs = operands[1];
  Tensor out = makeResult(op);
  SmallVector<int64_t> outStrides = getStrides(out.getShape());
  SmallVector<int64_t> lhsStrides = getBroadcastStrides(lhs.getShape(), out.getShape());
  SmallVector<int64_t> rhsStrides = getBroadcastStrides(rhs.getShape(), out.getShape());
  int64_t n = out.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t l = broadcastOffset(i, outStrides, lhsStrides);
    int64_t r = broadcastOffset(i, outStrides, rhsStrides);
    if (lhs.isFloat()) {
      out.setDouble(i, applyFloatBinary(*kind, lhs.floats()[l], rhs.floats()[r]));
      continue;
    }
    std::optional<int64_t> v =
        applyIntegerBinary(*kind, lhs.ints()[l], rhs.ints()[r], lhs.getElementType());
    if (!v) {
      return op->emitError("interpreter: integer division by zero");
    }
    out.setInt(i, *v);
  }
  results.push_back(std::move(out));
  return success();
}

//===----------------------------------------------------------------------------===//
// cmp and select
//===----------------------------------------------------------------------------===//

template <typename T>
static bool compare(CmpPredicate predicate, T a, T b) {
  switch (predicate) {
  case CmpPredicate::eq:
    return a == b;
  case CmpPredicate::ne:
    return a != b;
  case CmpPredicate::lt:
    return a < b;
  case CmpPredicate::le:
    return a <= b;
  case CmpPredicate::gt:
    return a > b;
  case CmpPredicate::ge:
    return a >= b;
  }
  llvm_unreachable("unknown comparison predicate");
}

static LogicalResult evalCmp(CmpOp op, ArrayRef<Tensor> operands,
                             SmallVectorImpl<Tensor> &results) {
  const Tensor &lhs = operands[0], &rhs = operands[1];
  Tensor out = makeResult(op);
  SmallVector<int64_t> outStrides = getStrides(out.getShape());
  SmallVector<int64_t> lhsStrides = getBroadcastStrides(lhs.getShape(), out.getShape());
  SmallVector<int64_t> rhsStrides = getBroadcastStrides(rhs.getShape(), out.getShape());
  Type et = lhs.getElementType();
  bool isUnsigned = isUnsignedInteger(et) || et.isInteger(1);
  CmpPredicate predicate = op.getPredicate();
  int64_t n = out.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t l = broadcastOffset(i, outStrides, lhsStrides);
    int64_t r = broadcastOffset(i, outStrides, rhsStrides);
    bool v;
    if (lhs.isFloat()) {
      // IEEE: every comparison with NaN is false except ne.
      v = compare(predicate, lhs.floats()[l], rhs.floats()[r]);
    } else if (isUnsigned) {
      v = compare(predicate, static_cast<uint64_t>(lhs.ints()[l]),
                  static_cast<uint64_t>(rhs.ints()[r]));
    } else {
      v = compare(predicate, lhs.ints()[l], rhs.ints()[r]);
    }
    out.setInt(i, v ? 1 : 0);
  }
  results.push_back(std::move(out));
  return success();
}

static LogicalResult evalSelect(SelectOp op, ArrayRef<Tensor> operands,
                                SmallVectorImpl<Tensor> &results) {
  const Tensor &cond = operands[0], &onTrue = operands[1], &onFalse = operands[2];
  Tensor out = makeResult(op);
  SmallVector<int64_t> outStrides = getStrides(out.getShape());
  SmallVector<int64_t> condStrides = getBroadcastStrides(cond.getShape(), out.getShape());
  SmallVector<int64_t> trueStrides = getBroadcastStrides(onTrue.getShape(), out.getShape());
  SmallVector<int64_t> falseStrides = getBroadcastStrides(onFalse.getShape(), out.getShape());
  int64_t n = out.getNumElements();
  // Both branches have the result's element type, so values are copied as stored.
  for (int64_t i = 0; i < n; ++i) {
    bool c = cond.ints()[broadcastOffset(i, outStrides, condStrides)] != 0;
    const Tensor &src = c ? onTrue : onFalse;
    int64_t offset = broadcastOffset(i, outStrides, c ? trueStrides : falseStrides);
    if (out.isFloat()) {
      out.floats()[i] = src.floats()[offset];
    } else {
      out.ints()[i] = src.ints()[offset];
    }
  }
  results.push_back(std::move(out));
  return success();
}

//===----------------------------------------------------------------------------===//
// cast
//===----------------------------------------------------------------------------===//

/// Float `v` truncated toward zero and saturated to integer type `t` (NaN -> 0), as
/// stored in a Tensor.
static int64_t floatToIntegerSaturating(double v, Type t) {
  if (std::isnan(v)) {
    return 0;
  }
  double truncated = std::trunc(v);
  auto [lo, hi] = integerRange(t);
  if (isUnsignedInteger(t)) {
    if (truncated <= 0) {
      return 0;
    }
    // 2^width is exact in double; the largest value (2^width - 1) may not be (u64).
    if (truncated >= std::ldexp(1.0, static_cast<int>(integerWidth(t)))) {
      return hi;
    }
    return static_cast<int64_t>(static_cast<uint64_t>(truncated));
  }
  double limit = std::ldexp(1.0, static_cast<int>(integerWidth(t)) - 1); // 2^(width-1)
  if (truncated >= limit) {
    return hi;
  }
  if (truncated <= -limit) {
    return lo;
  }
  return static_cast<int64_t>(truncated);
}

static LogicalResult evalCast(CastOp op, ArrayRef<Tensor> operands,
                              SmallVectorImpl<Tensor> &results) {
  const Tensor &x = operands[0];
  Tensor out = makeResult(op);
  Type from = x.getElementType(), to = out.getElementType();
  bool fromUnsigned = isUnsignedInteger(from) || from.isInteger(1);
  int64_t n = out.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    if (to.isInteger(1)) {
      out.ints()[i] = x.isFloat() ? (x.floats()[i] != 0 ? 1 : 0) : (x.ints()[i] != 0 ? 1 : 0);
    } else if (x.isFloat() && out.isFloat()) {
      out.setDouble(i, x.floats()[i]);
    } else if (x.isFloat()) {
      out.ints()[i] = floatToIntegerSaturating(x.floats()[i], to);
    } else if (out.isFloat()) {
      out.floats()[i] = integerToFloatType(x.ints()[i], fromUnsigned, to);
    } else {
      out.setInt(i, x.ints()[i]); // int -> int wraps (two's complement)
    }
  }
  results.push_back(std::move(out));
  return success();
}

//===----------------------------------------------------------------------------===//
// quantize and dequantize
//===----------------------------------------------------------------------------===//

/// Scale and zero point for every element of a tensor of `shape` with quantized element
/// type `q` (per tensor, or per axis along the quantized dimension).
static void getQuantParams(quant::QuantizedType q, ArrayRef<int64_t> shape,
                           std::vector<double> &scales, std::vector<int64_t> &zeroPoints,
                           int64_t &axisStride, int64_t &axisSize) {
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(q)) {
    scales = {perTensor.getScale()};
    zeroPoints = {perTensor.getZeroPoint()};
    axisStride = 1;
    axisSize = 1;
    return;
  }
  auto perAxis = cast<quant::UniformQuantizedPerAxisType>(q);
  int64_t axis = perAxis.getQuantizedDimension();
  scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
  zeroPoints.assign(perAxis.getZeroPoints().begin(), perAxis.getZeroPoints().end());
  axisStride = getStrides(shape)[axis];
  axisSize = shape[axis];
}

static LogicalResult evalQuantize(Operation *op, ArrayRef<Tensor> operands,
                                  SmallVectorImpl<Tensor> &results) {
  bool quantize = isa<QuantizeOp>(op);
  const Tensor &x = operands[0];
  Tensor out = makeResult(op);
  const Tensor &quantized = quantize ? out : x;
  auto q = dyn_cast<quant::QuantizedType>(quantized.getElementType());
  if (!q || !isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(q)) {
    return op->emitError("interpreter: unsupported quantized type ")
           << quantized.getElementType()
           << "; only per-tensor and per-axis !quant.uniform can be interpreted";
  }
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axisStride, axisSize;
  getQuantParams(q, quantized.getShape(), scales, zeroPoints, axisStride, axisSize);
  if (static_cast<int64_t>(scales.size()) != axisSize ||
      static_cast<int64_t>(zeroPoints.size()) != axisSize) {
    return op->emitError("interpreter: per-axis type has ")
           << scales.size() << " scales for a quantized dim of size " << axisSize;
  }
  Type expressed = q.getExpressedType();
  double storageMin = static_cast<double>(q.getStorageTypeMin());
  double storageMax = static_cast<double>(q.getStorageTypeMax());
  int64_t n = out.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t c = (i / axisStride) % axisSize;
    double scale = scales[c];
    int64_t zeroPoint = zeroPoints[c];
    if (!quantize) {
      // (q - zp) * scale, rounded to the float result type.
      out.setDouble(i, static_cast<double>(x.ints()[i] - zeroPoint) * scale);
      continue;
    }
    // x / scale is rounded to the expressed float type first, as ONNX computes it in
    // that type; then round half to even, add the zero point and saturate.
    double scaled = std::nearbyint(roundToFloatType(x.floats()[i] / scale, expressed));
    if (std::isnan(scaled)) {
      scaled = 0; // NaN quantizes to the zero point
    }
    double v = std::min(std::max(scaled + static_cast<double>(zeroPoint), storageMin),
                        storageMax);
    out.setInt(i, static_cast<int64_t>(v));
  }
  results.push_back(std::move(out));
  return success();
}

//===----------------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------------===//

FamilyResult evalElementwise(Operation *op, ArrayRef<Tensor> operands,
                             SmallVectorImpl<Tensor> &results) {
  if (FamilyResult r = evalUnary(op, operands, results)) {
    return r;
  }
  if (FamilyResult r = evalBinary(op, operands, results)) {
    return r;
  }
  if (auto cmp = dyn_cast<CmpOp>(op)) {
    return evalCmp(cmp, operands, results);
  }
  if (auto select = dyn_cast<SelectOp>(op)) {
    return evalSelect(select, operands, results);
  }
  if (auto cast = dyn_cast<CastOp>(op)) {
    return evalCast(cast, operands, results);
  }
  if (isa<QuantizeOp, DequantizeOp>(op)) {
    return evalQuantize(op, operands, results);
  }
  return std::nullopt;
}

} // namespace kiln::interp
