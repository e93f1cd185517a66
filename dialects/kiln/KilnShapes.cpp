//===- KilnShapes.cpp - shape rules and result-type inference --------------===//
//
// Every `inferReturnTypes` of the kiln dialect lives here, beside the broadcasting and
// formatting helpers they share. Inference doubles as the shape verifier: it runs on
// every op during verification, so its messages are written for model authors
// ("conv2d: input has 3 channels but the weight expects 4 (groups = 1)").
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

//===----------------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------------===//

std::string formatShape(ArrayRef<int64_t> shape) {
  if (shape.empty()) {
    return "scalar";
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d)) {
          os << "?";
        } else {
          os << d;
        }
      },
      "x");
  return s;
}

std::string formatList(ArrayRef<int64_t> values) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(values, os);
  os << "]";
  return s;
}

bool areCompatibleTensorTypes(TypeRange lhs, TypeRange rhs) {
  if (lhs.size() != rhs.size()) {
    return false;
  }
  for (auto [l, r] : llvm::zip(lhs, rhs)) {
    auto lt = dyn_cast<RankedTensorType>(l);
    auto rt = dyn_cast<RankedTensorType>(r);
    if (!lt || !rt) {
      if (l != r) {
        return false;
      }
      continue;
    }
    if (lt.getElementType() != rt.getElementType() || lt.getRank() != rt.getRank()) {
      return false;
    }
    for (auto [a, b] : llvm::zip(lt.getShape(), rt.getShape())) {
      if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b) {
        return false;
      }
    }
  }
  return true;
}

FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    bool dynA = ShapedType::isDynamic(da), dynB = ShapedType::isDynamic(db);
    if (dynA && dynB) {
      out[i] = ShapedType::kDynamic;
    } else if (dynA) {
      out[i] = db == 1 ? ShapedType::kDynamic : db;
    } else if (dynB) {
      out[i] = da == 1 ? ShapedType::kDynamic : da;
    } else if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      return failure();
    }
  }
  return out;
}

std::optional<int64_t> getNumElements(ShapedType type) {
  if (!type.hasStaticShape()) {
    return std::nullopt;
  }
  return type.getNumElements();
}

Type getStorageElementType(Type elementType) {
  if (auto q = dyn_cast<quant::QuantizedType>(elementType)) {
    return q.getStorageType();
  }
  return elementType;
}

int64_t findNonBroadcastableDim(ArrayRef<int64_t> from, ArrayRef<int64_t> to) {
  if (from.size() > to.size()) {
    return 0;
  }
  size_t offset = to.size() - from.size();
  for (auto [d, a] : llvm::enumerate(from)) {
    int64_t b = to[d + offset];
    if (!(a == 1 || a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b))) {
      return static_cast<int64_t>(d);
    }
  }
  return -1;
}

static StringRef shortName(StringRef opName) {
  opName.consume_front("kiln.");
  return opName;
}

LogicalResult inferBroadcastResultType(std::optional<Location> loc, StringRef opName,
                                       ValueRange operands, Type elementType,
                                       SmallVectorImpl<Type> &types) {
  StringRef name = shortName(opName);
  auto first = cast<RankedTensorType>(operands.front().getType());
  SmallVector<int64_t> shape(first.getShape());
  Type shared = first.getElementType();
  for (auto [i, v] : llvm::enumerate(operands.drop_front())) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getElementType() != shared) {
      return emitOptionalError(loc, name, ": operand ", i + 1, " has element type ",
                               t.getElementType(), " but operand 0 has ", shared,
                               "; insert a kiln.cast to make them match");
    }
    FailureOr<SmallVector<int64_t>> b = broadcastShapes(shape, t.getShape());
    if (failed(b)) {
      return emitOptionalError(loc, name, ": operand shapes ", formatShape(shape), " and ",
                               formatShape(t.getShape()),
                               " do not broadcast (numpy rules: trailing dims must be "
                               "equal or 1)");
    }
    shape = *b;
  }
  types.push_back(RankedTensorType::get(shape, elementType ? elementType : shared));
  return success();
}

/// Checks 0 <= axis < rank.
static LogicalResult checkAxis(std::optional<Location> loc, StringRef name, int64_t axis,
                               int64_t rank, StringRef what = "axis") {
  if (axis < 0 || axis >= rank) {
    return emitOptionalError(loc, name, ": ", what, " ", axis,
                             " is out of range for a rank-", rank,
                             " input (expected 0 <= ", what, " < ", rank, ")");
  }
  return success();
}

static bool isEightBitInteger(Type t) {
  Type storage = getStorageElementType(t);
  return storage.isInteger(8);
}

/// Element type of a contraction's result: float in -> same float out; i8 or quantized
/// 8-bit in -> i32 out.
static FailureOr<Type> contractionResultElementType(std::optional<Location> loc,
                                                    StringRef name, StringRef lhsName,
                                                    Type lhs, StringRef rhsName, Type rhs) {
  if (isa<FloatType>(lhs) || isa<FloatType>(rhs)) {
    if (lhs != rhs) {
      return emitOptionalError(loc, name, ": ", lhsName, " is ", lhs, " but ", rhsName,
                               " is ", rhs,
                               "; cast or dequantize so both sides have one float type");
    }
    return lhs;
  }
  if (isEightBitInteger(lhs) && isEightBitInteger(rhs)) {
    return Type(IntegerType::get(lhs.getContext(), 32));
  }
  return emitOptionalError(loc, name, ": unsupported element types ", lhs, " and ", rhs);
}

//===----------------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = cast<RankedTensorType>(adaptor.getRhs().getType());
  if (lhs.getRank() < 2 || rhs.getRank() < 2) {
    return emitOptionalError(loc, "matmul: operands must have rank >= 2 (got ",
                             lhs.getRank(), " and ", rhs.getRank(),
                             "); reshape vectors to 1xK or Kx1 matrices");
  }
  FailureOr<Type> elem = contractionResultElementType(
      loc, "matmul", "lhs", lhs.getElementType(), "rhs", rhs.getElementType());
  if (failed(elem)) {
    return failure();
  }
  bool ta = adaptor.getTransposeA(), tb = adaptor.getTransposeB();
  int64_t lr = lhs.getRank(), rr = rhs.getRank();
  int64_t m = lhs.getDimSize(ta ? lr - 1 : lr - 2);
  int64_t kl = lhs.getDimSize(ta ? lr - 2 : lr - 1);
  int64_t kr = rhs.getDimSize(tb ? rr - 1 : rr - 2);
  int64_t n = rhs.getDimSize(tb ? rr - 2 : rr - 1);
  if (!ShapedType::isDynamic(kl) && !ShapedType::isDynamic(kr) && kl != kr) {
    return emitOptionalError(loc, "matmul: lhs has K = ", kl, " but rhs has K = ", kr,
                             " (lhs ", formatShape(lhs.getShape()), ", rhs ",
                             formatShape(rhs.getShape()),
                             ", transpose_a = ", ta ? "true" : "false",
                             ", transpose_b = ", tb ? "true" : "false", ")");
  }
  FailureOr<SmallVector<int64_t>> batch =
      broadcastShapes(lhs.getShape().drop_back(2), rhs.getShape().drop_back(2));
  if (failed(batch)) {
    return emitOptionalError(loc, "matmul: batch dims ",
                             formatShape(lhs.getShape().drop_back(2)), " and ",
                             formatShape(rhs.getShape().drop_back(2)),
                             " do not broadcast");
  }
  SmallVector<int64_t> shape = *batch;
  shape.push_back(m);
  shape.push_back(n);
  types.push_back(RankedTensorType::get(shape, *elem));
  return success();
}

/// Checks a list attribute has `size` values, each >= `min`.
static LogicalResult checkList(std::optional<Location> loc, StringRef name, StringRef what,
                               ArrayRef<int64_t> values, size_t size, int64_t min) {
  if (values.size() != size || llvm::any_of(values, [&](int64_t v) { return v < min; })) {
    return emitOptionalError(loc, name, ": ", what, " must hold ", size,
                             min > 0 ? " positive" : " non-negative", " values, got ",
                             formatList(values));
  }
  return success();
}

/// Extent of a dilated window, dilation * (kernel - 1) + 1, or std::nullopt when it does
/// not fit in int64 (attributes come from model files).
static std::optional<int64_t> dilatedWindow(int64_t kernel, int64_t dilation) {
  std::optional<int64_t> span = llvm::checkedMul(dilation, kernel - 1);
  return span ? llvm::checkedAdd(*span, int64_t(1)) : std::nullopt;
}

/// floor((in + padBefore + padAfter - window) / stride) + 1, or the ceil form; dynamic
/// stays dynamic; 0 when the window does not fit; std::nullopt when the padded size
/// overflows int64. Callers checked window and pads.
static std::optional<int64_t> windowOutputSize(int64_t in, int64_t window, int64_t stride,
                                               int64_t padBefore, int64_t padAfter,
                                               bool ceilMode) {
  if (ShapedType::isDynamic(in)) {
    return ShapedType::kDynamic;
  }
  std::optional<int64_t> padded = llvm::checkedAdd(in, padBefore);
  if (padded) {
    padded = llvm::checkedAdd(*padded, padAfter);
  }
  if (!padded) {
    return std::nullopt;
  }
  if (*padded < window) {
    return 0;
  }
  int64_t span = *padded - window;
  int64_t out = (ceilMode ? span / stride + (span % stride != 0) : span / stride) + 1;
  // ONNX / PyTorch: with ceil_mode the last window must start inside the input or the
  // leading padding, never entirely in the trailing padding.
  if (ceilMode && (out - 1) * stride >= in + padBefore) {
    --out;
  }
  return out;
}

LogicalResult Conv2dOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto weight = cast<RankedTensorType>(adaptor.getWeight().getType());
  if (input.getRank() != 4) {
    return emitOptionalError(loc, "conv2d: input must be NCHW (rank 4), got rank ",
                             input.getRank());
  }
  if (weight.getRank() != 4) {
    return emitOptionalError(loc, "conv2d: weight must be OIHW (rank 4), got rank ",
                             weight.getRank());
  }
  ArrayRef<int64_t> strides = adaptor.getStrides(), pads = adaptor.getPads(),
                    dilations = adaptor.getDilations();
  if (failed(checkList(loc, "conv2d", "strides", strides, 2, 1)) ||
      failed(checkList(loc, "conv2d", "pads [top, left, bottom, right]", pads, 4, 0)) ||
      failed(checkList(loc, "conv2d", "dilations", dilations, 2, 1))) {
    return failure();
  }
  int64_t groups = adaptor.getGroups();
  if (groups < 1) {
    return emitOptionalError(loc, "conv2d: groups must be >= 1, got ", groups);
  }
  FailureOr<Type> elem = contractionResultElementType(
      loc, "conv2d", "input", input.getElementType(), "weight", weight.getElementType());
  if (failed(elem)) {
    return failure();
  }
  int64_t channels = input.getDimSize(1), perGroup = weight.getDimSize(1);
  if (!ShapedType::isDynamic(channels) && !ShapedType::isDynamic(perGroup) &&
      channels != perGroup * groups) {
    return emitOptionalError(loc, "conv2d: input has ", channels,
                             " channels but the weight expects ", perGroup * groups,
                             " (groups = ", groups, ")");
  }
  int64_t outChannels = weight.getDimSize(0);
  if (!ShapedType::isDynamic(outChannels) && outChannels % groups != 0) {
    return emitOptionalError(loc, "conv2d: weight has ", outChannels,
                             " output channels, not a multiple of groups = ", groups);
  }
  if (Value bias = adaptor.getBias()) {
    auto bt = cast<RankedTensorType>(bias.getType());
    if (bt.getRank() != 1 ||
        (!ShapedType::isDynamic(bt.getDimSize(0)) && !ShapedType::isDynamic(outChannels) &&
         bt.getDimSize(0) != outChannels)) {
      return emitOptionalError(loc, "conv2d: bias has shape ", formatShape(bt.getShape()),
                               " but the weight has ", outChannels,
                               " output channels (expected a 1-D bias of that size)");
    }
    if (bt.getElementType() != *elem) {
      return emitOptionalError(loc, "conv2d: bias has element type ", bt.getElementType(),
                               " but the result is ", *elem);
    }
  }
  SmallVector<int64_t> shape = {input.getDimSize(0), outChannels};
  for (int i = 0; i < 2; ++i) {
    StringRef dimName = i == 0 ? "height" : "width";
    int64_t in = input.getDimSize(2 + i), k = weight.getDimSize(2 + i);
    if (ShapedType::isDynamic(k)) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    if (k < 1) {
      return emitOptionalError(loc, "conv2d: weight kernel ", dimName, " is ", k,
                               "; kernel dims must be >= 1");
    }
    std::optional<int64_t> window = dilatedWindow(k, dilations[i]);
    if (!window) {
      return emitOptionalError(loc, "conv2d: dilated kernel ", dimName,
                               " does not fit in int64 (kernel ", k, ", dilation ",
                               dilations[i], ")");
    }
    std::optional<int64_t> maybeOut =
        windowOutputSize(in, *window, strides[i], pads[i], pads[i + 2], false);
    if (!maybeOut) {
      return emitOptionalError(loc, "conv2d: padded input ", dimName,
                               " does not fit in int64 (pads ", formatList(pads), ")");
    }
    int64_t out = *maybeOut;
    if (out == 0) {
      return emitOptionalError(loc, "conv2d: output ", dimName, " would be 0: input ", in,
                               " plus pads ", pads[i] + pads[i + 2],
                               " is smaller than the dilated kernel ", *window);
    }
    shape.push_back(out);
  }
  types.push_back(RankedTensorType::get(shape, *elem));
  return success();
}

//===----------------------------------------------------------------------------===//
// Elementwise with extra rules
//===----------------------------------------------------------------------------===//

LogicalResult CmpOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                      Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferBroadcastResultType(loc, "cmp", {adaptor.getLhs(), adaptor.getRhs()},
                                  IntegerType::get(ctx, 1), types);
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto cond = cast<RankedTensorType>(adaptor.getCondition().getType());
  auto onTrue = cast<RankedTensorType>(adaptor.getOnTrue().getType());
  auto onFalse = cast<RankedTensorType>(adaptor.getOnFalse().getType());
  if (onTrue.getElementType() != onFalse.getElementType()) {
    return emitOptionalError(loc, "select: on_true is ", onTrue.getElementType(),
                             " but on_false is ", onFalse.getElementType(),
                             "; both branches need one element type");
  }
  FailureOr<SmallVector<int64_t>> s = broadcastShapes(cond.getShape(), onTrue.getShape());
  if (succeeded(s)) {
    s = broadcastShapes(*s, onFalse.getShape());
  }
  if (failed(s)) {
    return emitOptionalError(loc, "select: condition ", formatShape(cond.getShape()),
                             ", on_true ", formatShape(onTrue.getShape()), " and on_false ",
                             formatShape(onFalse.getShape()), " do not broadcast");
  }
  types.push_back(RankedTensorType::get(*s, onTrue.getElementType()));
  return success();
}

//===----------------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------------===//

LogicalResult ReduceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> axes = adaptor.getAxes();
  if (axes.empty()) {
    return emitOptionalError(loc, "reduce: axes must not be empty; list every reduced dim");
  }
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (failed(checkAxis(loc, "reduce", axis, input.getRank()))) {
      return failure();
    }
    if (i > 0 && axes[i - 1] >= axis) {
      return emitOptionalError(loc, "reduce: axes must be sorted and unique, got ",
                               formatList(axes));
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < input.getRank(); ++d) {
    if (!llvm::is_contained(axes, d)) {
      shape.push_back(input.getDimSize(d));
    } else if (adaptor.getKeepDims()) {
      shape.push_back(1);
    }
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult ArgmaxOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, "argmax", axis, input.getRank()))) {
    return failure();
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < input.getRank(); ++d) {
    if (d != axis) {
      shape.push_back(input.getDimSize(d));
    } else if (adaptor.getKeepDims()) {
      shape.push_back(1);
    }
  }
  types.push_back(RankedTensorType::get(shape, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, "layer_norm", axis, input.getRank()))) {
    return failure();
  }
  if (adaptor.getEpsilon().convertToDouble() < 0) {
    return emitOptionalError(loc, "layer_norm: epsilon must be >= 0, got ",
                             adaptor.getEpsilon().convertToDouble());
  }
  ArrayRef<int64_t> normalized = input.getShape().drop_front(axis);
  for (auto [name, v] : {std::pair<StringRef, Value>{"scale", adaptor.getScale()},
                         std::pair<StringRef, Value>{"bias", adaptor.getBias()}}) {
    if (!v) {
      continue;
    }
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getElementType() != input.getElementType()) {
      return emitOptionalError(loc, "layer_norm: ", name, " is ", t.getElementType(),
                               " but the input is ", input.getElementType());
    }
    if (!areCompatibleTensorTypes(RankedTensorType::get(t.getShape(), t.getElementType()),
                                  RankedTensorType::get(normalized, t.getElementType()))) {
      return emitOptionalError(loc, "layer_norm: ", name, " has shape ",
                               formatShape(t.getShape()), " but the normalized shape is ",
                               formatShape(normalized), " (input dims ", axis, "..",
                               input.getRank() - 1, ")");
    }
  }
  types.push_back(input);
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  if (input.getRank() < 2) {
    return emitOptionalError(loc, "batch_norm: input must have a channel dim 1 (rank >= 2), "
                                  "got rank ",
                             input.getRank());
  }
  if (adaptor.getEpsilon().convertToDouble() < 0) {
    return emitOptionalError(loc, "batch_norm: epsilon must be >= 0, got ",
                             adaptor.getEpsilon().convertToDouble());
  }
  int64_t channels = input.getDimSize(1);
  std::pair<StringRef, Value> params[] = {{"scale", adaptor.getScale()},
                                          {"bias", adaptor.getBias()},
                                          {"mean", adaptor.getMean()},
                                          {"variance", adaptor.getVariance()}};
  for (auto [name, v] : params) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getElementType() != input.getElementType()) {
      return emitOptionalError(loc, "batch_norm: ", name, " is ", t.getElementType(),
                               " but the input is ", input.getElementType());
    }
    if (t.getRank() != 1 ||
        (!ShapedType::isDynamic(channels) && !ShapedType::isDynamic(t.getDimSize(0)) &&
         t.getDimSize(0) != channels)) {
      return emitOptionalError(loc, "batch_norm: ", name, " has shape ",
                               formatShape(t.getShape()), " but the input has ", channels,
                               " channels (expected one value per channel)");
    }
  }
  types.push_back(input);
  return success();
}

/// Output shape of a 2-D window over NCHW (pool2d and pool2d_argmax share it).
static FailureOr<SmallVector<int64_t>>
inferPool2dShape(std::optional<Location> loc, StringRef name, RankedTensorType input,
                 ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                 ArrayRef<int64_t> dilations, bool ceilMode) {
  if (input.getRank() != 4) {
    return emitOptionalError(loc, name, ": input must be NCHW (rank 4), got rank ",
                             input.getRank());
  }
  if (failed(checkList(loc, name, "kernel", kernel, 2, 1)) ||
      failed(checkList(loc, name, "strides", strides, 2, 1)) ||
      failed(checkList(loc, name, "pads [top, left, bottom, right]", pads, 4, 0)) ||
      failed(checkList(loc, name, "dilations", dilations, 2, 1))) {
    return failure();
  }
  SmallVector<int64_t> shape = {input.getDimSize(0), input.getDimSize(1)};
  for (int i = 0; i < 2; ++i) {
    std::optional<int64_t> maybeWindow = dilatedWindow(kernel[i], dilations[i]);
    if (!maybeWindow) {
      return emitOptionalError(loc, name, ": dilated window does not fit in int64 (kernel ",
                               kernel[i], ", dilation ", dilations[i], ")");
    }
    int64_t window = *maybeWindow;
    if (pads[i] >= window || pads[i + 2] >= window) {
      return emitOptionalError(loc, name, ": pads ", formatList(pads),
                               " are not all smaller than the window ", window,
                               "; a window would lie entirely in the padding");
    }
    int64_t in = input.getDimSize(2 + i);
    std::optional<int64_t> maybeOut =
        windowOutputSize(in, window, strides[i], pads[i], pads[i + 2], ceilMode);
    if (!maybeOut) {
      return emitOptionalError(loc, name, ": padded input does not fit in int64 (pads ",
                               formatList(pads), ")");
    }
    int64_t out = *maybeOut;
    if (out == 0) {
      return emitOptionalError(loc, name, ": output ", i == 0 ? "height" : "width",
                               " would be 0: input ", in, " plus pads ",
                               pads[i] + pads[i + 2], " is smaller than the window ", window);
    }
    shape.push_back(out);
  }
  return shape;
}

LogicalResult Pool2dOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  if (adaptor.getCountIncludePad() && adaptor.getKind() != PoolKind::avg) {
    return emitOptionalError(loc, "pool2d: count_include_pad applies to avg pooling only");
  }
  FailureOr<SmallVector<int64_t>> shape =
      inferPool2dShape(loc, "pool2d", input, adaptor.getKernel(), adaptor.getStrides(),
                       adaptor.getPads(), adaptor.getDilations(), adaptor.getCeilMode());
  if (failed(shape)) {
    return failure();
  }
  types.push_back(RankedTensorType::get(*shape, input.getElementType()));
  return success();
}

LogicalResult Pool2dArgmaxOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                               Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  FailureOr<SmallVector<int64_t>> shape = inferPool2dShape(
      loc, "pool2d_argmax", input, adaptor.getKernel(), adaptor.getStrides(),
      adaptor.getPads(), adaptor.getDilations(), adaptor.getCeilMode());
  if (failed(shape)) {
    return failure();
  }
  types.push_back(RankedTensorType::get(*shape, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult GlobalPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  if (input.getRank() < 3) {
    return emitOptionalError(loc, "global_pool: input must be (N, C, spatial...) with rank "
                                  ">= 3, got rank ",
                             input.getRank());
  }
  SmallVector<int64_t> shape(input.getShape().take_front(2));
  shape.append(input.getRank() - 2, 1);
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

//===----------------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  SmallVector<bool> seen(input.getRank(), false);
  bool valid = static_cast<int64_t>(perm.size()) == input.getRank();
  for (int64_t p : perm) {
    if (!valid || p < 0 || p >= input.getRank() || seen[p]) {
      valid = false;
      break;
    }
    seen[p] = true;
  }
  if (!valid && input.getRank() == 0) {
    return emitOptionalError(loc, "transpose: the permutation of a rank-0 input must be "
                                  "empty, got ",
                             formatList(perm));
  }
  if (!valid) {
    return emitOptionalError(loc, "transpose: permutation ", formatList(perm),
                             " is not a permutation of 0..", input.getRank() - 1,
                             " for a rank-", input.getRank(), " input");
  }
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    shape.push_back(input.getDimSize(p));
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty()) {
    return emitOptionalError(loc, "concat: needs at least one input");
  }
  auto first = cast<RankedTensorType>(inputs.front().getType());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, "concat", axis, first.getRank()))) {
    return failure();
  }
  SmallVector<int64_t> shape(first.getShape());
  for (auto [i, v] : llvm::enumerate(inputs.drop_front())) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getElementType() != first.getElementType() || t.getRank() != first.getRank()) {
      return emitOptionalError(loc, "concat: input ", i + 1, " is ", t, " but input 0 is ",
                               first, "; inputs need one element type and rank");
    }
    for (int64_t d = 0; d < t.getRank(); ++d) {
      int64_t a = shape[d], b = t.getDimSize(d);
      if (d == axis) {
        shape[d] = ShapedType::isDynamic(a) || ShapedType::isDynamic(b) ? ShapedType::kDynamic
                                                                        : a + b;
      } else if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b) {
        return emitOptionalError(loc, "concat: input ", i + 1, " has size ", b, " in dim ", d,
                                 " but the inputs before it have ", a,
                                 "; inputs must agree on every dim except axis ", axis);
      } else if (ShapedType::isDynamic(a)) {
        shape[d] = b;
      }
    }
  }
  types.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> starts = adaptor.getStarts(), ends = adaptor.getEnds(),
                    steps = adaptor.getSteps();
  int64_t rank = input.getRank();
  for (auto [name, list] : {std::pair<StringRef, ArrayRef<int64_t>>{"starts", starts},
                            {"ends", ends},
                            {"steps", steps}}) {
    if (static_cast<int64_t>(list.size()) != rank) {
      return emitOptionalError(loc, "slice: ", name, " has ", list.size(),
                               " values but the input has rank ", rank,
                               " (one value per dim)");
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = input.getDimSize(d), start = starts[d], end = ends[d], step = steps[d];
    if (step == 0) {
      return emitOptionalError(loc, "slice: step of dim ", d, " is 0");
    }
    bool dynamic = ShapedType::isDynamic(dim);
    bool ok = step > 0 ? (0 <= start && start <= end && (dynamic || end <= dim))
                       : (-1 <= end && end <= start && (dynamic || start < dim));
    if (!ok) {
      return emitOptionalError(
          loc, "slice: dim ", d, " range start ", start, ", end ", end, ", step ", step,
          " is not normalized for a dim of size ", formatShape({dim}),
          step > 0 ? " (need 0 <= start <= end <= size)"
                   : " (need -1 <= end <= start < size)");
    }
    int64_t span = step > 0 ? end - start : start - end;
    int64_t absStep = step > 0 ? step : -step;
    shape.push_back((span + absStep - 1) / absStep);
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto data = cast<RankedTensorType>(adaptor.getData().getType());
  auto indices = cast<RankedTensorType>(adaptor.getIndices().getType());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, "gather", axis, data.getRank()))) {
    return failure();
  }
  SmallVector<int64_t> shape(data.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(axis + 1));
  types.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> pads = adaptor.getPads();
  int64_t rank = input.getRank();
  if (failed(checkList(loc, "pad", "pads [begin..., end...]", pads, 2 * rank, 0))) {
    return failure();
  }
  PadMode mode = adaptor.getMode();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = input.getDimSize(d), before = pads[d], after = pads[d + rank];
    if (!ShapedType::isDynamic(dim) && (before > 0 || after > 0)) {
      if (mode == PadMode::reflect && (before >= dim || after >= dim)) {
        return emitOptionalError(loc, "pad: reflect padding of dim ", d, " by ", before,
                                 " and ", after, " needs pads smaller than its size ", dim);
      }
      if (mode == PadMode::edge && dim == 0) {
        return emitOptionalError(loc, "pad: edge padding of dim ", d,
                                 " needs a non-empty dim");
      }
    }
    shape.push_back(ShapedType::isDynamic(dim) ? dim : dim + before + after);
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, "split", axis, input.getRank()))) {
    return failure();
  }
  ArrayRef<int64_t> sizes = adaptor.getSizes();
  if (sizes.empty() || llvm::any_of(sizes, [](int64_t s) { return s < 0; })) {
    return emitOptionalError(loc, "split: sizes must be a non-empty list of sizes >= 0, got ",
                             formatList(sizes));
  }
  int64_t total = 0;
  for (int64_t s : sizes) {
    total += s;
  }
  int64_t dim = input.getDimSize(axis);
  if (!ShapedType::isDynamic(dim) && total != dim) {
    return emitOptionalError(loc, "split: sizes ", formatList(sizes), " sum to ", total,
                             " but axis ", axis, " has ", dim, " elements");
  }
  for (int64_t s : sizes) {
    SmallVector<int64_t> shape(input.getShape());
    shape[axis] = s;
    types.push_back(RankedTensorType::get(shape, input.getElementType()));
  }
  return success();
}

} // namespace kiln
