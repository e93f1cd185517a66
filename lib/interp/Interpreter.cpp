//===- Interpreter.cpp - tensors, attribute I/O and the evaluation loop ----===//
//
// The value representation (double for floats, int64 for everything integer), its
// conversions to and from MLIR attributes and host tensors, and the loop that walks a
// function. Op semantics live in the family files (*Kernels.cpp).
//
//===----------------------------------------------------------------------------===//
#include "lib/interp/Interpreter.h"
#include "lib/interp/Kernels.h"

#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;

namespace kiln::interp {

//===----------------------------------------------------------------------------===//
// Element conversions
//===----------------------------------------------------------------------------===//

/// The integer type a quantized type stores, with its signedness made explicit (the
/// quant dialect keeps signedness in a flag and a signless storage type).
static Type storageType(Type t) {
  if (auto q = dyn_cast<quant::QuantizedType>(t)) {
    return IntegerType::get(t.getContext(), q.getStorageTypeIntegralWidth(),
                            q.isSigned() ? IntegerType::Signless : IntegerType::Unsigned);
  }
  return t;
}

/// float -> bf16 bits, round to nearest even (NaN stays a quiet NaN).
static uint16_t floatToBF16Bits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::isnan(f)) {
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  }
  uint32_t rounding = 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

static float bf16BitsToFloat(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

double roundToFloatType(double v, Type t) {
  if (t.isF32()) {
    return static_cast<double>(static_cast<float>(v));
  }
  if (t.isF16()) {
    return static_cast<double>(static_cast<_Float16>(v));
  }
  if (t.isBF16()) {
    // Round once: going through float can land exactly on a bf16 tie that v is not on.
    float f = static_cast<float>(v);
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    if ((bits & 0xffff) == 0x8000 && static_cast<double>(f) != v && !std::isnan(v)) {
      bool awayFromZero = std::fabs(v) > std::fabs(static_cast<double>(f));
      uint32_t rounded = awayFromZero ? (bits + 0x10000) & 0xffff0000u : bits & 0xffff0000u;
      float r;
      std::memcpy(&r, &rounded, 4);
      return r;
    }
    return bf16BitsToFloat(floatToBF16Bits(f));
  }
  return v;
}

bool isUnsignedInteger(Type t) { return storageType(t).isUnsignedInteger(); }

int64_t wrapToIntegerType(int64_t v, Type t) {
  unsigned width = storageType(t).getIntOrFloatBitWidth();
  if (width >= 64) {
    return v;
  }
  if (width == 1) {
    return v & 1;
  }
  uint64_t mask = (uint64_t(1) << width) - 1;
  uint64_t bits = static_cast<uint64_t>(v) & mask;
  if (!isUnsignedInteger(t) && (bits >> (width - 1)) & 1) {
    bits |= ~mask; // sign-extend
  }
  return static_cast<int64_t>(bits);
}

SmallVector<int64_t> getStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d) {
    strides[d] = strides[d + 1] * shape[d + 1];
  }
  return strides;
}

SmallVector<int64_t> getBroadcastStrides(ArrayRef<int64_t> shape,
                                         ArrayRef<int64_t> resultShape) {
  SmallVector<int64_t> strides(resultShape.size(), 0);
  int64_t stride = 1;
  size_t offset = resultShape.size() - shape.size();
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    strides[d + offset] = shape[d] == 1 ? 0 : stride;
    stride *= shape[d];
  }
  return strides;
}

//===----------------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------------===//

Tensor::Tensor(Type elementType, ArrayRef<int64_t> shape)
    : elementType(elementType), shape(shape.begin(), shape.end()) {
  if (isFloat()) {
    floatData.assign(getNumElements(), 0.0);
  } else {
    intData.assign(getNumElements(), 0);
  }
}

int64_t Tensor::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape) {
    n *= d;
  }
  return n;
}

RankedTensorType Tensor::getType() const { return RankedTensorType::get(shape, elementType); }

double Tensor::getDouble(int64_t i) const {
  if (isFloat()) {
    return floatData[i];
  }
  if (storageType(elementType).isUnsignedInteger(64)) {
    return static_cast<double>(static_cast<uint64_t>(intData[i]));
  }
  return static_cast<double>(intData[i]);
}

void Tensor::setDouble(int64_t i, double v) {
  if (isFloat()) {
    floatData[i] = roundToFloatType(v, elementType);
    return;
  }
  if (std::isnan(v)) {
    intData[i] = 0;
    return;
  }
  double t = std::trunc(v);
  int64_t iv;
  if (t >= 9223372036854775808.0) {
    iv = t >= 18446744073709551616.0 ? -1 : static_cast<int64_t>(static_cast<uint64_t>(t));
  } else if (t < -9223372036854775808.0) {
    iv = std::numeric_limits<int64_t>::min();
  } else {
    iv = static_cast<int64_t>(t);
  }
  intData[i] = wrapToIntegerType(iv, elementType);
}

void Tensor::setInt(int64_t i, int64_t v) {
  if (isFloat()) {
    double d = storageType(elementType).isUnsignedInteger(64)
                   ? static_cast<double>(static_cast<uint64_t>(v))
                   : static_cast<double>(v);
    floatData[i] = roundToFloatType(d, elementType);
    return;
  }
  intData[i] = wrapToIntegerType(v, elementType);
}

//===----------------------------------------------------------------------------===//
// Raw little-endian bytes <-> Tensor
//===----------------------------------------------------------------------------===//

/// Decodes `n` elements of `elemType` (storage type for quantized) from `bytes`.
/// i1 takes one byte per element. Returns false if `bytes` is too short.
static bool decodeRaw(Tensor &t, const uint8_t *bytes, size_t size, bool splat) {
  Type st = storageType(t.getElementType());
  unsigned width = st.getIntOrFloatBitWidth();
  size_t elemBytes = width == 1 ? 1 : width / 8;
  int64_t n = t.getNumElements();
  size_t need = splat ? elemBytes : elemBytes * static_cast<size_t>(n);
  if (size < need) {
    return false;
  }
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t *p = bytes + (splat ? 0 : i * elemBytes);
    if (auto ft = dyn_cast<FloatType>(st)) {
      double v;
      if (ft.isF32()) {
        float f;
        std::memcpy(&f, p, 4);
        v = f;
      } else if (ft.isF64()) {
        std::memcpy(&v, p, 8);
      } else if (ft.isF16()) {
        _Float16 h;
        std::memcpy(&h, p, 2);
        v = static_cast<double>(h);
      } else {
        v = bf16BitsToFloat(static_cast<uint16_t>(p[0] | (p[1] << 8)));
      }
      t.floats()[i] = v;
      continue;
    }
    uint64_t raw = 0;
    std::memcpy(&raw, p, elemBytes);
    t.ints()[i] = wrapToIntegerType(static_cast<int64_t>(raw), st);
  }
  return true;
}

/// Encodes `t` as little-endian bytes of its (storage) type; i1 as one byte each.
static std::vector<uint8_t> encodeRaw(const Tensor &t) {
  Type st = storageType(t.getElementType());
  unsigned width = st.getIntOrFloatBitWidth();
  size_t elemBytes = width == 1 ? 1 : width / 8;
  int64_t n = t.getNumElements();
  std::vector<uint8_t> out(elemBytes * n);
  for (int64_t i = 0; i < n; ++i) {
    uint8_t *p = out.data() + i * elemBytes;
    if (isa<FloatType>(st)) {
      double v = t.floats()[i];
      if (st.isF32()) {
        float f = static_cast<float>(v);
        std::memcpy(p, &f, 4);
      } else if (st.isF64()) {
        std::memcpy(p, &v, 8);
      } else if (st.isF16()) {
        _Float16 h = static_cast<_Float16>(v);
        std::memcpy(p, &h, 2);
      } else {
        uint16_t b = floatToBF16Bits(static_cast<float>(v));
        std::memcpy(p, &b, 2);
      }
      continue;
    }
    uint64_t raw = static_cast<uint64_t>(t.ints()[i]);
    std::memcpy(p, &raw, elemBytes);
  }
  return out;
}

//===----------------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------------===//

FailureOr<Tensor> tensorFromBytes(RankedTensorType type, ArrayRef<char> bytes) {
  if (!type.hasStaticShape()) {
    return failure();
  }
  Tensor t(type.getElementType(), type.getShape());
  if (!decodeRaw(t, reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), false)) {
    return failure();
  }
  return t;
}

FailureOr<Tensor> tensorFromAttr(ElementsAttr attr, RankedTensorType type) {
  if (!type.hasStaticShape()) {
    return failure();
  }
  Tensor t(type.getElementType(), type.getShape());
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob) {
      return failure();
    }
    ArrayRef<char> data = blob->getData();
    if (!decodeRaw(t, reinterpret_cast<const uint8_t *>(data.data()), data.size(), false)) {
      return failure();
    }
    return t;
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense) {
    return failure();
  }
  Type et = dense.getElementType();
  int64_t n = t.getNumElements();
  if (isa<FloatType>(et)) {
    if (et.isF32()) {
      auto values = dense.getValues<float>();
      for (int64_t i = 0; i < n; ++i) {
        t.floats()[i] = values[dense.isSplat() ? 0 : i];
      }
      return t;
    }
    auto values = dense.getValues<APFloat>();
    for (int64_t i = 0; i < n; ++i) {
      APFloat v = values[dense.isSplat() ? 0 : i];
      bool lost;
      v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      t.floats()[i] = v.convertToDouble();
    }
    return t;
  }
  if (et.isInteger(1)) {
    auto values = dense.getValues<bool>();
    for (int64_t i = 0; i < n; ++i) {
      t.ints()[i] = values[dense.isSplat() ? 0 : i] ? 1 : 0;
    }
    return t;
  }
  if (isa<IntegerType>(et)) {
    auto values = dense.getValues<APInt>();
    for (int64_t i = 0; i < n; ++i) {
      APInt v = values[dense.isSplat() ? 0 : i];
      t.ints()[i] = wrapToIntegerType(static_cast<int64_t>(v.getZExtValue()), storageType(t.getElementType()));
    }
    return t;
  }
  return failure();
}

DenseElementsAttr tensorToAttr(const Tensor &t, RankedTensorType type) {
  Type st = type.getElementType();
  if (auto q = dyn_cast<quant::QuantizedType>(st)) {
    st = q.getStorageType(); // signless, as `kiln.constant ... as <quant type>` wants
  }
  auto attrType = RankedTensorType::get(type.getShape(), st);
  int64_t n = t.getNumElements();
  if (st.isF32()) {
    std::vector<float> values(n);
    for (int64_t i = 0; i < n; ++i) {
      values[i] = static_cast<float>(t.floats()[i]);
    }
    return DenseElementsAttr::get(attrType, ArrayRef<float>(values));
  }
  if (auto ft = dyn_cast<FloatType>(st)) {
    SmallVector<APFloat> values;
    values.reserve(n);
    for (int64_t i = 0; i < n; ++i) {
      APFloat v(t.floats()[i]);
      bool lost;
      v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v);
    }
    return DenseElementsAttr::get(attrType, values);
  }
  if (st.isInteger(1)) {
    SmallVector<bool> values(n);
    for (int64_t i = 0; i < n; ++i) {
      values[i] = t.ints()[i] != 0;
    }
    return DenseElementsAttr::get(attrType, values);
  }
  unsigned width = st.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  values.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    values.push_back(APInt(width, static_cast<uint64_t>(t.ints()[i]), /*isSigned=*/false,
                           /*implicitTrunc=*/true));
  }
  return DenseElementsAttr::get(attrType, values);
}

//===----------------------------------------------------------------------------===//
// Host tensors
//===----------------------------------------------------------------------------===//

kilnDType dtypeOf(Type elementType) {
  Type st = storageType(elementType);
  if (st.isF32()) return KILN_DTYPE_F32;
  if (st.isF16()) return KILN_DTYPE_F16;
  if (st.isBF16()) return KILN_DTYPE_BF16;
  if (st.isF64()) return KILN_DTYPE_F64;
  if (st.isInteger(1)) return KILN_DTYPE_BOOL;
  if (auto it = dyn_cast<IntegerType>(st)) {
    bool u = it.isUnsigned();
    switch (it.getWidth()) {
    case 8: return u ? KILN_DTYPE_U8 : KILN_DTYPE_I8;
    case 16: return u ? KILN_DTYPE_U16 : KILN_DTYPE_I16;
    case 32: return u ? KILN_DTYPE_U32 : KILN_DTYPE_I32;
    case 64: return u ? KILN_DTYPE_U64 : KILN_DTYPE_I64;
    default: break;
    }
  }
  return KILN_DTYPE_INVALID;
}

FailureOr<Tensor> fromHost(const io::HostTensor &host, RankedTensorType type,
                           std::string &error) {
  kilnDType want = dtypeOf(type.getElementType());
  std::vector<int64_t> wantShape(type.getShape().begin(), type.getShape().end());
  if (host.dtype != want || host.shape != wantShape) {
    error = "expected " + io::describe(want, wantShape) + " but got " +
            io::describe(host.dtype, host.shape);
    return failure();
  }
  Tensor t(type.getElementType(), type.getShape());
  if (!decodeRaw(t, host.data.data(), host.data.size(), false)) {
    error = "tensor data is shorter than " + io::describe(want, wantShape) + " needs";
    return failure();
  }
  return t;
}

io::HostTensor toHost(const Tensor &t, const std::string &name) {
  io::HostTensor host;
  host.name = name;
  host.dtype = dtypeOf(t.getElementType());
  host.shape.assign(t.getShape().begin(), t.getShape().end());
  host.data = encodeRaw(t);
  return host;
}

//===----------------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------------===//

namespace {
FailureOr<SmallVector<Tensor>> evaluateBlock(Block &body, ArrayRef<Tensor> arguments,
                                             Operation *owner);
} // namespace

LogicalResult evaluateOp(Operation *op, ArrayRef<Tensor> operands,
                         SmallVectorImpl<Tensor> &results) {
  results.clear();
  for (Type t : op->getResultTypes()) {
    auto rt = dyn_cast<RankedTensorType>(t);
    if (!rt || !rt.hasStaticShape()) {
      return op->emitError("interpreter: result type ")
             << t << " is not a statically shaped tensor; fix the input shapes first "
             << "(--input-shape NAME=DIMS)";
    }
  }
  // A fusion group computes what its body computes, op by op.
  if (auto fusion = dyn_cast<FusionOp>(op)) {
    FailureOr<SmallVector<Tensor>> values =
        evaluateBlock(fusion.getBody().front(), operands, op);
    if (failed(values)) {
      return failure();
    }
    results.assign(values->begin(), values->end());
    return success();
  }
  for (auto family : {evalDataMovement, evalElementwise, evalReduction, evalContraction}) {
    if (FamilyResult r = family(op, operands, results)) {
      if (failed(*r)) {
        return failure();
      }
      assert(results.size() == op->getNumResults() && "family produced wrong result count");
      return success();
    }
  }
  return op->emitError("interpreter: no evaluator for '")
         << op->getName() << "'; this op cannot be interpreted yet";
}

namespace {

/// Evaluates the ops of `body` on `arguments` up to its terminator (func.return or
/// kiln.yield), whose operands are the results. `owner` names the region in errors.
FailureOr<SmallVector<Tensor>> evaluateBlock(Block &body, ArrayRef<Tensor> arguments,
                                             Operation *owner) {
  // Values die after their last use so peak memory stays near the live set.
  DenseMap<Operation *, SmallVector<Value>> dyingAfter;
  {
    DenseMap<Value, Operation *> lastUser;
    for (Operation &op : body) {
      for (Value v : op.getOperands()) {
        lastUser[v] = &op;
      }
    }
    for (auto &[v, user] : lastUser) {
      if (!user->hasTrait<OpTrait::IsTerminator>()) {
        dyingAfter[user].push_back(v);
      }
    }
  }
  DenseMap<Value, Tensor> env;
  for (auto [arg, value] : llvm::zip(body.getArguments(), arguments)) {
    env[arg] = value;
  }
  SmallVector<Tensor> operands, results;
  for (Operation &op : body) {
    operands.clear();
    for (Value v : op.getOperands()) {
      auto it = env.find(v);
      if (it == env.end()) {
        op.emitError("interpreter: operand is not computed before its use");
        return failure();
      }
      operands.push_back(it->second);
    }
    if (isa<func::ReturnOp, YieldOp>(op)) {
      return SmallVector<Tensor>(operands.begin(), operands.end());
    }
    if (failed(evaluateOp(&op, operands, results))) {
      return failure();
    }
    for (auto [v, t] : llvm::zip(op.getResults(), results)) {
      env[v] = std::move(t);
    }
    for (Value v : dyingAfter.lookup(&op)) {
      env.erase(v);
    }
  }
  owner->emitError("interpreter: region has no terminator");
  return failure();
}

} // namespace

FailureOr<SmallVector<Tensor>> evaluateFunction(func::FuncOp fn, ArrayRef<Tensor> arguments) {
  Block &body = fn.getBody().front();
  if (arguments.size() != body.getNumArguments()) {
    fn.emitError("interpreter: function takes ")
        << body.getNumArguments() << " arguments but " << arguments.size() << " were given";
    return failure();
  }
  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    if (arguments[i].getType() != arg.getType()) {
      fn.emitError("interpreter: argument ")
          << i << " has type " << arguments[i].getType() << " but the function takes "
          << arg.getType();
      return failure();
    }
  }
  return evaluateBlock(body, arguments, fn);
}

} // namespace kiln::interp
