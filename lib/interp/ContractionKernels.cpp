//===- ContractionKernels.cpp - matmul and conv2d ---------------------------===//
//
// Evaluators of the contractions. Floats accumulate in double and round once to the
// result type; 8-bit integer and quantized operands accumulate exactly in int64 and
// wrap to the i32 result. A quantized operand contributes storage - zero_point (the
// zero point of its channel for per-axis types), so the result is the integer product
// ONNX MatMulInteger / ConvInteger compute; scales are left to the consumer.
//
// These kernels run whole models (resnet18 in the tests), so unlike the rest of the
// interpreter they are written for speed: operands are unpacked once into flat
// double / int64 buffers, loops are ordered so the innermost one walks contiguous
// memory (matmul i-k-j, conv2d one output row per weight tap), and the index math of
// the padding borders is hoisted out of the inner loops.
//
//===----------------------------------------------------------------------------===//
#include "lib/interp/Kernels.h"

#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <algorithm>

using namespace mlir;

namespace kiln::interp {

namespace {

//===----------------------------------------------------------------------------===//
// Operand unpacking
//===----------------------------------------------------------------------------===//

/// The integer values `t` contributes to a contraction: the value itself for i8 / ui8,
/// storage - zero_point for quantized types (per axis: the zero point of the element's
/// index along the quantized dimension).
FailureOr<std::vector<int64_t>> integerValues(Operation *op, StringRef name,
                                              const Tensor &t) {
  std::vector<int64_t> values = t.ints();
  Type et = t.getElementType();
  if (auto q = dyn_cast<quant::UniformQuantizedType>(et)) {
    int64_t zp = q.getZeroPoint();
    for (int64_t &v : values) {
      v -= zp;
    }
  } else if (auto q = dyn_cast<quant::UniformQuantizedPerAxisType>(et)) {
    int64_t axis = q.getQuantizedDimension();
    ArrayRef<int64_t> zps = q.getZeroPoints();
    if (axis >= t.getRank() || static_cast<int64_t>(zps.size()) != t.getShape()[axis]) {
      op->emitError("interpreter: ")
          << name << " has " << zps.size() << " zero points on axis " << axis
          << " but its shape is " << formatShape(t.getShape());
      return failure();
    }
    int64_t stride = getStrides(t.getShape())[axis], dim = t.getShape()[axis];
    for (size_t i = 0; i < values.size(); ++i) {
      values[i] -= zps[(static_cast<int64_t>(i) / stride) % dim];
    }
  }
  return values;
}

/// A contraction operand as a flat buffer of T (double for floats, int64 otherwise).
/// Floats are used in place; integers are unpacked by integerValues.
template <typename T>
struct Operand {
  std::vector<int64_t> owned;
  const T *data = nullptr;
};

template <typename T>
LogicalResult unpack(Operation *op, StringRef name, const Tensor &t, Operand<T> &out) {
  if constexpr (std::is_same_v<T, double>) {
    if (!t.isFloat()) {
      return op->emitError("interpreter: ")
             << name << " is " << t.getElementType() << " but the result is a float";
    }
    out.data = t.floats().data();
  } else {
    if (t.isFloat()) {
      return op->emitError("interpreter: ")
             << name << " is " << t.getElementType() << " but the result is an integer";
    }
    FailureOr<std::vector<int64_t>> values = integerValues(op, name, t);
    if (failed(values)) {
      return failure();
    }
    out.owned = std::move(*values);
    out.data = out.owned.data();
  }
  return success();
}

/// Stores the accumulators into `out`: rounded to a float type, or wrapped to i32.
template <typename T>
void store(const std::vector<T> &acc, Tensor &out) {
  Type et = out.getElementType();
  if constexpr (std::is_same_v<T, double>) {
    std::vector<double> &dst = out.floats();
    for (size_t i = 0; i < acc.size(); ++i) {
      dst[i] = roundToFloatType(acc[i], et);
    }
  } else {
    std::vector<int64_t> &dst = out.ints();
    for (size_t i = 0; i < acc.size(); ++i) {
      dst[i] = wrapToIntegerType(acc[i], et);
    }
  }
}

//===----------------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------------===//

/// Copies each trailing [r, c] matrix of `data` (`count` of them) transposed to [c, r].
template <typename T>
std::vector<T> transposeMatrices(const T *data, int64_t count, int64_t r, int64_t c) {
  std::vector<T> out(static_cast<size_t>(count * r * c));
  for (int64_t b = 0; b < count; ++b) {
    const T *src = data + b * r * c;
    T *dst = out.data() + b * r * c;
    for (int64_t i = 0; i < r; ++i) {
      for (int64_t j = 0; j < c; ++j) {
        dst[j * r + i] = src[i * c + j];
      }
    }
  }
  return out;
}

struct MatmulGeometry {
  int64_t m, k, n;
  /// Result batch shape and, per operand, the broadcast strides (in matrices) to read
  /// it with.
  SmallVector<int64_t> batchShape, lhsBatchStrides, rhsBatchStrides;
};

/// acc[b] = lhs[b] x rhs[b] over the broadcast batch, both operands already in
/// [M, K] and [K, N] layout.
template <typename T>
void matmulKernel(const T *lhs, const T *rhs, std::vector<T> &acc, const MatmulGeometry &g) {
  int64_t m = g.m, k = g.k, n = g.n;
  int64_t rank = static_cast<int64_t>(g.batchShape.size());
  int64_t batches = 1;
  for (int64_t d : g.batchShape) {
    batches *= d;
  }
  SmallVector<int64_t> index(rank, 0);
  int64_t lhsBatch = 0, rhsBatch = 0;
  for (int64_t b = 0; b < batches; ++b) {
    const T *a = lhs + lhsBatch * m * k;
    const T *bm = rhs + rhsBatch * k * n;
    T *c = acc.data() + b * m * n;
    // i-k-j: the inner loop streams one row of rhs into one row of the result.
    for (int64_t i = 0; i < m; ++i) {
      T *crow = c + i * n;
      for (int64_t p = 0; p < k; ++p) {
        T av = a[i * k + p];
        const T *brow = bm + p * n;
        for (int64_t j = 0; j < n; ++j) {
          crow[j] += av * brow[j];
        }
      }
    }
    for (int64_t d = rank - 1; d >= 0; --d) {
      lhsBatch += g.lhsBatchStrides[d];
      rhsBatch += g.rhsBatchStrides[d];
      if (++index[d] < g.batchShape[d]) {
        break;
      }
      lhsBatch -= g.lhsBatchStrides[d] * g.batchShape[d];
      rhsBatch -= g.rhsBatchStrides[d] * g.batchShape[d];
      index[d] = 0;
    }
  }
}

template <typename T>
LogicalResult runMatmul(MatmulOp op, const Tensor &lhs, const Tensor &rhs,
                        const MatmulGeometry &g, Tensor &out) {
  Operand<T> a, b;
  if (failed(unpack(op, "lhs", lhs, a)) || failed(unpack(op, "rhs", rhs, b))) {
    return failure();
  }
  const T *lhsData = a.data, *rhsData = b.data;
  std::vector<T> lhsT, rhsT;
  auto matrices = [](const Tensor &t) {
    int64_t count = 1;
    for (int64_t d : t.getShape().drop_back(2)) {
      count *= d;
    }
    return count;
  };
  if (op.getTransposeA()) {
    lhsT = transposeMatrices(a.data, matrices(lhs), g.k, g.m);
    lhsData = lhsT.data();
  }
  if (op.getTransposeB()) {
    rhsT = transposeMatrices(b.data, matrices(rhs), g.n, g.k);
    rhsData = rhsT.data();
  }
  std::vector<T> acc(static_cast<size_t>(out.getNumElements()), T(0));
  matmulKernel(lhsData, rhsData, acc, g);
  store(acc, out);
  return success();
}

LogicalResult evalMatmul(MatmulOp op, const Tensor &lhs, const Tensor &rhs,
                         SmallVectorImpl<Tensor> &results) {
  auto type = cast<RankedTensorType>(op.getType());
  int64_t lr = lhs.getRank(), rr = rhs.getRank();
  if (lr < 2 || rr < 2) {
    return op.emitError("interpreter: operands must have rank >= 2, got ")
           << lr << " and " << rr;
  }
  bool ta = op.getTransposeA(), tb = op.getTransposeB();
  ArrayRef<int64_t> ls = lhs.getShape(), rs = rhs.getShape();
  MatmulGeometry g;
  g.m = ta ? ls[lr - 1] : ls[lr - 2];
  g.k = ta ? ls[lr - 2] : ls[lr - 1];
  int64_t kr = tb ? rs[rr - 1] : rs[rr - 2];
  g.n = tb ? rs[rr - 2] : rs[rr - 1];
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes(ls.drop_back(2), rs.drop_back(2));
  SmallVector<int64_t> shape;
  if (succeeded(batch)) {
    shape = *batch;
    shape.push_back(g.m);
    shape.push_back(g.n);
  }
  if (g.k != kr || failed(batch) || ArrayRef<int64_t>(shape) != type.getShape()) {
    return op.emitError("interpreter: operands of shapes ")
           << formatShape(ls) << " and " << formatShape(rs) << " do not multiply into "
           << type;
  }
  g.batchShape.assign(shape.begin(), shape.end() - 2);
  g.lhsBatchStrides = getBroadcastStrides(ls.drop_back(2), g.batchShape);
  g.rhsBatchStrides = getBroadcastStrides(rs.drop_back(2), g.batchShape);
  Tensor out(type.getElementType(), type.getShape());
  if (out.getNumElements() > 0 &&
      failed(out.isFloat() ? runMatmul<double>(op, lhs, rhs, g, out)
                           : runMatmul<int64_t>(op, lhs, rhs, g, out))) {
    return failure();
  }
  results.push_back(std::move(out));
  return success();
}

//===----------------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------------===//

int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t ceilDiv(int64_t a, int64_t b) { return -floorDiv(-a, b); }

struct ConvGeometry {
  int64_t n, c, h, w;       // input
  int64_t o, cg, kh, kw;    // weight (cg = input channels per group)
  int64_t oh, ow, groups;   // output
  int64_t sh, sw, dh, dw, padTop, padLeft;
};

/// acc[n, o, y, x] = sum over c in o's group, i, j of
///   in[n, c, y*sh - padTop + i*dh, x*sw - padLeft + j*dw] * weight[o, c - group start, i, j]
/// where positions outside the input contribute 0.
template <typename T>
void conv2dKernel(const T *in, const T *weight, std::vector<T> &acc, const ConvGeometry &g) {
  // Per kernel row i (column j), the output rows (columns) whose tap lands inside the
  // input: [lo, hi).
  SmallVector<int64_t> rowLo(g.kh), rowHi(g.kh), colLo(g.kw), colHi(g.kw);
  for (int64_t i = 0; i < g.kh; ++i) {
    int64_t off = g.padTop - i * g.dh;
    rowLo[i] = std::max<int64_t>(0, ceilDiv(off, g.sh));
    rowHi[i] = std::min<int64_t>(g.oh, floorDiv(g.h - 1 + off, g.sh) + 1);
  }
  for (int64_t j = 0; j < g.kw; ++j) {
    int64_t off = g.padLeft - j * g.dw;
    colLo[j] = std::max<int64_t>(0, ceilDiv(off, g.sw));
    colHi[j] = std::min<int64_t>(g.ow, floorDiv(g.w - 1 + off, g.sw) + 1);
  }
  int64_t outPerGroup = g.o / g.groups;
  int64_t plane = g.h * g.w, outPlane = g.oh * g.ow;
  for (int64_t b = 0; b < g.n; ++b) {
    for (int64_t o = 0; o < g.o; ++o) {
      T *dst = acc.data() + (b * g.o + o) * outPlane;
      int64_t firstChannel = (o / outPerGroup) * g.cg;
      for (int64_t c = 0; c < g.cg; ++c) {
        const T *src = in + (b * g.c + firstChannel + c) * plane;
        const T *taps = weight + (o * g.cg + c) * g.kh * g.kw;
        for (int64_t i = 0; i < g.kh; ++i) {
          for (int64_t j = 0; j < g.kw; ++j) {
            T wv = taps[i * g.kw + j];
            int64_t x0 = colLo[j], x1 = colHi[j];
            if (x0 >= x1) {
              continue;
            }
            for (int64_t y = rowLo[i]; y < rowHi[i]; ++y) {
              // src[row + x * sw] is in[.., y*sh - padTop + i*dh, x*sw - padLeft + j*dw]
              // (row itself may be negative: only x in [x0, x1) is read).
              int64_t row = (y * g.sh - g.padTop + i * g.dh) * g.w - g.padLeft + j * g.dw;
              T *dstRow = dst + y * g.ow;
              if (g.sw == 1) {
                for (int64_t x = x0; x < x1; ++x) {
                  dstRow[x] += wv * src[row + x];
                }
              } else {
                for (int64_t x = x0; x < x1; ++x) {
                  dstRow[x] += wv * src[row + x * g.sw];
                }
              }
            }
          }
        }
      }
    }
  }
}

template <typename T>
LogicalResult runConv2d(Conv2dOp op, ArrayRef<Tensor> operands, const ConvGeometry &g,
                        Tensor &out) {
  Operand<T> in, weight;
  if (failed(unpack(op, "input", operands[0], in)) ||
      failed(unpack(op, "weight", operands[1], weight))) {
    return failure();
  }
  std::vector<T> acc(static_cast<size_t>(out.getNumElements()), T(0));
  conv2dKernel(in.data, weight.data, acc, g);
  if (operands.size() > 2) {
    // ONNX adds the bias to the finished sum.
    Operand<T> bias;
    if (failed(unpack(op, "bias", operands[2], bias))) {
      return failure();
    }
    int64_t outPlane = g.oh * g.ow;
    for (int64_t b = 0; b < g.n; ++b) {
      for (int64_t o = 0; o < g.o; ++o) {
        T *dst = acc.data() + (b * g.o + o) * outPlane;
        for (int64_t p = 0; p < outPlane; ++p) {
          dst[p] += bias.data[o];
        }
      }
    }
  }
  store(acc, out);
  return success();
}

LogicalResult evalConv2d(Conv2dOp op, ArrayRef<Tensor> operands,
                         SmallVectorImpl<Tensor> &results) {
  auto type = cast<RankedTensorType>(op.getType());
  const Tensor &input = operands[0], &weight = operands[1];
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dilations = op.getDilations();
  int64_t groups = static_cast<int64_t>(op.getGroups());
  if (input.getRank() != 4 || weight.getRank() != 4 || type.getRank() != 4 ||
      strides.size() != 2 || pads.size() != 4 || dilations.size() != 2 || groups < 1 ||
      llvm::any_of(strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d < 1; }) ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; })) {
    return op.emitError("interpreter: expected NCHW input, OIHW weight, 2 strides >= 1, "
                        "4 pads >= 0, 2 dilations >= 1 and groups >= 1");
  }
  ConvGeometry g;
  g.n = input.getShape()[0];
  g.c = input.getShape()[1];
  g.h = input.getShape()[2];
  g.w = input.getShape()[3];
  g.o = weight.getShape()[0];
  g.cg = weight.getShape()[1];
  g.kh = weight.getShape()[2];
  g.kw = weight.getShape()[3];
  g.oh = type.getDimSize(2);
  g.ow = type.getDimSize(3);
  g.groups = groups;
  g.sh = strides[0];
  g.sw = strides[1];
  g.dh = dilations[0];
  g.dw = dilations[1];
  g.padTop = pads[0];
  g.padLeft = pads[1];
  if (g.c != g.cg * groups || g.o % groups != 0 || type.getDimSize(0) != g.n ||
      type.getDimSize(1) != g.o) {
    return op.emitError("interpreter: input of shape ")
           << formatShape(input.getShape()) << " and weight of shape "
           << formatShape(weight.getShape()) << " (groups = " << groups
           << ") do not convolve into " << type;
  }
  if (operands.size() > 2 && (operands[2].getRank() != 1 || operands[2].getShape()[0] != g.o)) {
    return op.emitError("interpreter: bias of shape ")
           << formatShape(operands[2].getShape()) << " needs one value per output channel ("
           << g.o << ")";
  }
  // The output size comes from the result type; taps outside the input read the zero
  // padding, so any output size is safe to evaluate.
  Tensor out(type.getElementType(), type.getShape());
  if (out.getNumElements() > 0 &&
      failed(out.isFloat() ? runConv2d<double>(op, operands, g, out)
                           : runConv2d<int64_t>(op, operands, g, out))) {
    return failure();
  }
  results.push_back(std::move(out));
  return success();
}

} // namespace

FamilyResult evalContraction(Operation *op, ArrayRef<Tensor> operands,
                             SmallVectorImpl<Tensor> &results) {
  if (auto matmul = dyn_cast<MatmulOp>(op)) {
    return evalMatmul(matmul, operands[0], operands[1], results);
  }
  if (auto conv = dyn_cast<Conv2dOp>(op)) {
    return evalConv2d(conv, operands, results);
  }
  return std::nullopt;
}

} // namespace kiln::interp
