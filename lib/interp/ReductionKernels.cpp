//===- ReductionKernels.cpp - reduction evaluators of the interpreter ------===//
//
// reduce, argmax, softmax, log_softmax, layer_norm, batch_norm, pool2d and global_pool,
// with ONNX semantics. Floats accumulate in double and are rounded once to the result
// type; integer sums and products accumulate exactly in int64 (wrapping modulo 2^64) and
// are wrapped to the result type; integer max/min compare as signed or unsigned values.
// Float max/min propagate NaN, as numpy's reductions do.
//
//===----------------------------------------------------------------------------===//
#include "lib/interp/Kernels.h"

#include "dialects/kiln/KilnOps.h"

#include <cmath>
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

static int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    n *= d;
  }
  return n;
}

/// The offset that element `i` of a tensor with row-major `strides` maps to when each of
/// its dims `d` advances `mappedStrides[d]` (0 for a dim that is reduced away).
static int64_t mapOffset(int64_t i, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> mappedStrides) {
  int64_t offset = 0;
  for (size_t d = 0; d < strides.size(); ++d) {
    offset += (i / strides[d]) * mappedStrides[d];
    i %= strides[d];
  }
  return offset;
}

/// Smallest and largest value of integer type `t`, as stored in a Tensor.
static std::pair<int64_t, int64_t> integerRange(Type t) {
  unsigned width = t.getIntOrFloatBitWidth();
  if (isUnsignedInteger(t)) {
    return {0, width >= 64 ? int64_t(-1) : static_cast<int64_t>((uint64_t(1) << width) - 1)};
  }
  if (width >= 64) {
    return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  }
  return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
}

/// a < b for integers stored in a Tensor of type `t`.
static bool integerLess(int64_t a, int64_t b, bool isUnsigned) {
  return isUnsigned ? static_cast<uint64_t>(a) < static_cast<uint64_t>(b) : a < b;
}

/// max/min that propagate NaN: once the accumulator is NaN it stays NaN.
static double maxPropagatingNaN(double acc, double v) {
  return (std::isnan(v) || v > acc) ? v : acc;
}
static double minPropagatingNaN(double acc, double v) {
  return (std::isnan(v) || v < acc) ? v : acc;
}

//===----------------------------------------------------------------------------===//
// reduce
//===----------------------------------------------------------------------------===//

static LogicalResult evalReduce(ReduceOp op, ArrayRef<Tensor> operands,
                                SmallVectorImpl<Tensor> &results) {
  const Tensor &x = operands[0];
  Tensor out = makeResult(op);
  ArrayRef<int64_t> shape = x.getShape();
  ArrayRef<int64_t> axes = op.getAxes();
  // Size-1 kept dims do not change offsets, so the output layout is that of the kept
  // dims alone with or without keep_dims.
  SmallVector<int64_t> keptShape;
  int64_t count = 1;
  for (int64_t d = 0; d < x.getRank(); ++d) {
    if (llvm::is_contained(axes, d)) {
      count *= shape[d];
    } else {
      keptShape.push_back(shape[d]);
    }
  }
  SmallVector<int64_t> keptStrides = getStrides(keptShape);
  SmallVector<int64_t> outStrideOfDim(x.getRank(), 0);
  for (int64_t d = 0, k = 0; d < x.getRank(); ++d) {
    if (!llvm::is_contained(axes, d)) {
      outStrideOfDim[d] = keptStrides[k++];
    }
  }
  SmallVector<int64_t> inStrides = getStrides(shape);
  ReduceKind kind = op.getKind();
  int64_t n = x.getNumElements(), outN = out.getNumElements();

  if (x.isFloat()) {
    double init = 0;
    if (kind == ReduceKind::prod) {
      init = 1;
    } else if (kind == ReduceKind::max) {
      init = -std::numeric_limits<double>::infinity();
    } else if (kind == ReduceKind::min) {
      init = std::numeric_limits<double>::infinity();
    }
    std::vector<double> acc(outN, init);
    for (int64_t i = 0; i < n; ++i) {
      double &a = acc[mapOffset(i, inStrides, outStrideOfDim)];
      double v = x.floats()[i];
      switch (kind) {
      case ReduceKind::sum:
      case ReduceKind::mean:
        a += v;
        break;
      case ReduceKind::prod:
        a *= v;
        break;
      case ReduceKind::max:
        a = maxPropagatingNaN(a, v);
        break;
      case ReduceKind::min:
        a = minPropagatingNaN(a, v);
        break;
      }
    }
    for (int64_t o = 0; o < outN; ++o) {
      // The mean of an empty set is 0 / 0 = NaN, as in numpy.
      out.setDouble(o, kind == ReduceKind::mean ? acc[o] / static_cast<double>(count) : acc[o]);
    }
    results.push_back(std::move(out));
    return success();
  }

  bool isUnsigned = isUnsignedInteger(x.getElementType());
  if (kind == ReduceKind::mean && count == 0) {
    return op.emitError("interpreter: integer mean over an empty set of elements (a "
                        "reduced dim has size 0)");
  }
  auto [lo, hi] = integerRange(x.getElementType());
  int64_t init = 0;
  if (kind == ReduceKind::prod) {
    init = 1;
  } else if (kind == ReduceKind::max) {
    init = lo;
  } else if (kind == ReduceKind::min) {
    init = hi;
  }
  std::vector<int64_t> acc(outN, init);
  for (int64_t i = 0; i < n; ++i) {
    int64_t &a = acc[mapOffset(i, inStrides, outStrideOfDim)];
    int64_t v = x.ints()[i];
    switch (kind) {
    case ReduceKind::sum:
    case ReduceKind::mean:
      a = static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(v));
      break;
    case ReduceKind::prod:
      a = static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(v));
      break;
    case ReduceKind::max:
      a = integerLess(a, v, isUnsigned) ? v : a;
      break;
    case ReduceKind::min:
      a = integerLess(v, a, isUnsigned) ? v : a;
      break;
    }
  }
  for (int64_t o = 0; o < outN; ++o) {
    int64_t v = acc[o];
    if (kind == ReduceKind::mean) {
      // Integer division truncates toward zero: trunc(sum / count).
      v = isUnsigned ? static_cast<int64_t>(static_cast<uint64_t>(v) /
                                            static_cast<uint64_t>(count))
                     : v / count;
    }
    out.setInt(o, v);
  }
  results.push_back(std::move(out));
  return success();
}

//===----------------------------------------------------------------------------===//
// argmax
//===----------------------------------------------------------------------------===//

static LogicalResult evalArgmax(ArgmaxOp op, ArrayRef<Tensor> operands,
                                SmallVectorImpl<Tensor> &results) {
  const Tensor &x = operands[0];
  Tensor out = makeResult(op);
  auto axis = static_cast<int64_t>(op.getAxis());
  ArrayRef<int64_t> shape = x.getShape();
  int64_t outer = product(shape.take_front(axis)), dim = shape[axis];
  int64_t inner = product(shape.drop_front(axis + 1));
  if (dim == 0 && outer * inner != 0) {
    return op.emitError("interpreter: argmax over an empty axis ") << axis;
  }
  bool last = op.getSelectLastIndex();
  bool isUnsigned = isUnsignedInteger(x.getElementType());
  // Is element `a` a new maximum over the best so far `b`? NaN counts as the largest
  // value (numpy argmax returns the first NaN); equal values are ties.
  auto better = [&](int64_t a, int64_t b) {
    if (x.isFloat()) {
      double va = x.floats()[a], vb = x.floats()[b];
      if (std::isnan(vb)) {
        return last && std::isnan(va);
      }
      if (std::isnan(va) || va > vb) {
        return true;
      }
      return last && va == vb;
    }
    int64_t va = x.ints()[a], vb = x.ints()[b];
    return integerLess(vb, va, isUnsigned) || (last && va == vb);
  };
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t in = 0; in < inner; ++in) {
      int64_t base = o * dim * inner + in;
      int64_t best = 0;
      for (int64_t k = 1; k < dim; ++k) {
        if (better(base + k * inner, base + best * inner)) {
          best = k;
        }
      }
      out.ints()[o * inner + in] = best;
    }
  }
  results.push_back(std::move(out));
  return success();
}

//===----------------------------------------------------------------------------===//
// softmax, log_softmax, layer_norm, batch_norm
//===----------------------------------------------------------------------------===//

/// softmax(x) = exp(x - max) / sum(exp(x - max)); log_softmax(x) = (x - max) -
/// log(sum(exp(x - max))). Subtracting the max keeps exp from overflowing.
static LogicalResult evalSoftmax(Operation *op, int64_t axis, bool logarithm,
                                 ArrayRef<Tensor> operands, SmallVectorImpl<Tensor> &results) {
  const Tensor &x = operands[0];
  Tensor out = makeResult(op);
  ArrayRef<int64_t> shape = x.getShape();
  int64_t outer = product(shape.take_front(axis)), dim = shape[axis];
  int64_t inner = product(shape.drop_front(axis + 1));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t in = 0; in < inner; ++in) {
      int64_t base = o * dim * inner + in;
      double max = -std::numeric_limits<double>::infinity();
      for (int64_t k = 0; k < dim; ++k) {
        max = maxPropagatingNaN(max, x.floats()[base + k * inner]);
      }
      double sum = 0;
      for (int64_t k = 0; k < dim; ++k) {
        sum += std::exp(x.floats()[base + k * inner] - max);
      }
      for (int64_t k = 0; k < dim; ++k) {
        double shifted = x.floats()[base + k * inner] - max;
        out.setDouble(base + k * inner,
                      logarithm ? shifted - std::log(sum) : std::exp(shifted) / sum);
      }
    }
  }
  results.push_back(std::move(out));
  return success();
}

/// y = (x - mean) / sqrt(var + epsilon) * scale + bias over the dims [axis, rank), with
/// the population variance; scale and bias have shape input.shape[axis:].
static LogicalResult evalLayerNorm(LayerNormOp op, ArrayRef<Tensor> operands,
                                   SmallVectorImpl<Tensor> &results) {
  const Tensor &x = operands[0];
  const Tensor *scale = op.getScale() ? &operands[1] : nullptr;
  const Tensor *bias = op.getBias() ? &operands[scale ? 2 : 1] : nullptr;
  Tensor out = makeResult(op);
  auto axis = static_cast<int64_t>(op.getAxis());
  double epsilon = op.getEpsilon().convertToDouble();
  int64_t outer = product(x.getShape().take_front(axis));
  int64_t inner = product(x.getShape().drop_front(axis));
  for (int64_t o = 0; o < outer; ++o) {
    const double *row = x.floats().data() + o * inner;
    double mean = 0;
    for (int64_t j = 0; j < inner; ++j) {
      mean += row[j];
    }
    mean /= static_cast<double>(inner);
    double variance = 0;
    for (int64_t j = 0; j < inner; ++j) {
      variance += (row[j] - mean) * (row[j] - mean);
    }
    variance /= static_cast<double>(inner);
    double invStd = 1.0 / std::sqrt(variance + epsilon);
    for (int64_t j = 0; j < inner; ++j) {
      double y = (row[j] - mean) * invStd;
      if (scale) {
        y *= scale->floats()[j];
      }
      if (bias) {
        y += bias->floats()[j];
      }
      out.setDouble(o * inner + j, y);
    }
  }
  results.push_back(std::move(out));
  return success();
}

/// y = (x - mean[c]) / sqrt(variance[c] + epsilon) * scale[c] + bias[c], c = dim 1.
static LogicalResult evalBatchNorm(BatchNormOp op, ArrayRef<Tensor> operands,
                                   SmallVectorImpl<Tensor> &results) {
  const Tensor &x = operands[0], &scale = operands[1], &bias = operands[2];
  const Tensor &mean = operands[3], &variance = operands[4];
  Tensor out = makeResult(op);
  double epsilon = op.getEpsilon().convertToDouble();
  int64_t channels = x.getShape()[1];
  int64_t inner = product(x.getShape().drop_front(2));
  int64_t n = x.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t c = (i / inner) % channels;
    double y = (x.floats()[i] - mean.floats()[c]) /
               std::sqrt(variance.floats()[c] + epsilon) * scale.floats()[c] +
               bias.floats()[c];
    out.setDouble(i, y);
  }
  results.push_back(std::move(out));
  return success();
}

//===----------------------------------------------------------------------------===//
// pool2d and global_pool
//===----------------------------------------------------------------------------===//

/// The input positions of one window along one spatial dim: `start + k * dilation` for
/// k in [0, kernel).
namespace {
struct WindowDim {
  int64_t start, kernel, dilation;
  int64_t at(int64_t k) const { return start + k * dilation; }
};

/// Calls `visit(h, w)` for the positions of the window (wh, ww) inside [0, height) x
/// [0, width), rows first: padding is skipped.
template <typename Visit>
void forEachInWindow(const WindowDim &wh, const WindowDim &ww, int64_t height, int64_t width,
                     Visit visit) {
  for (int64_t kh = 0; kh < wh.kernel; ++kh) {
    int64_t h = wh.at(kh);
    if (h < 0 || h >= height) {
      continue;
    }
    for (int64_t kw = 0; kw < ww.kernel; ++kw) {
      int64_t w = ww.at(kw);
      if (w >= 0 && w < width) {
        visit(h, w);
      }
    }
  }
}
} // namespace

/// Pooling over NCHW with pads [top, left, bottom, right]. Max skips padded positions.
/// Average divides by the valid positions, or with count_include_pad by the positions
/// inside the padded input [-pad_begin, in + pad_end), so a ceil_mode window reaching
/// past the trailing padding does not count the overhang. The output size is the
/// result type's (KilnShapes.cpp computes it).
static LogicalResult evalPool2d(Pool2dOp op, ArrayRef<Tensor> operands,
                                SmallVectorImpl<Tensor> &results) {
  const Tensor &x = operands[0];
  Tensor out = makeResult(op);
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(), pads = op.getPads(),
                    dilations = op.getDilations();
  ArrayRef<int64_t> in = x.getShape(), os = out.getShape();
  int64_t height = in[2], width = in[3];
  bool isMax = op.getKind() == PoolKind::max;
  bool includePad = op.getCountIncludePad();
  bool isUnsigned = !x.isFloat() && isUnsignedInteger(x.getElementType());
  int64_t intLowest = x.isFloat() ? 0 : integerRange(x.getElementType()).first;
  // Positions of `w` that lie in [lo, hi).
  auto countIn = [](const WindowDim &w, int64_t lo, int64_t hi) {
    int64_t c = 0;
    for (int64_t k = 0; k < w.kernel; ++k) {
      c += (w.at(k) >= lo && w.at(k) < hi) ? 1 : 0;
    }
    return c;
  };
  int64_t planes = in[0] * in[1];
  for (int64_t p = 0; p < planes; ++p) {
    int64_t inBase = p * height * width;
    for (int64_t oh = 0; oh < os[2]; ++oh) {
      WindowDim wh{oh * strides[0] - pads[0], kernel[0], dilations[0]};
      for (int64_t ow = 0; ow < os[3]; ++ow) {
        WindowDim ww{ow * strides[1] - pads[1], kernel[1], dilations[1]};
        double maxValue = -std::numeric_limits<double>::infinity(), sum = 0;
        int64_t maxInt = intLowest;
        forEachInWindow(wh, ww, height, width, [&](int64_t h, int64_t w) {
          int64_t idx = inBase + h * width + w;
          if (!isMax) {
            sum += x.getDouble(idx);
          } else if (x.isFloat()) {
            maxValue = maxPropagatingNaN(maxValue, x.floats()[idx]);
          } else if (integerLess(maxInt, x.ints()[idx], isUnsigned)) {
            maxInt = x.ints()[idx];
          }
        });
        int64_t o = (p * os[2] + oh) * os[3] + ow;
        if (isMax) {
          // A window entirely in padding (possible only with dilation) gives the
          // lowest value: -inf, or the integer type's minimum.
          if (x.isFloat()) {
            out.setDouble(o, maxValue);
          } else {
            out.setInt(o, maxInt);
          }
          continue;
        }
        int64_t count =
            includePad ? countIn(wh, -pads[0], height + pads[2]) *
                             countIn(ww, -pads[1], width + pads[3])
                       : countIn(wh, 0, height) * countIn(ww, 0, width);
        // An empty window averages to 0 / 0 = NaN (0 in integer types).
        out.setDouble(o, sum / static_cast<double>(count));
      }
    }
  }
  results.push_back(std::move(out));
  return success();
}

/// Position of the first maximum of each max-pool window (scan order: row, then column;
/// padding skipped; NaN never wins), as an index into the flattened NCHW input, row-major
/// or (column_major) `plane * H * W + h + w * H` as ONNX's storage_order = 1. A window
/// entirely in padding gives -1.
static LogicalResult evalPool2dArgmax(Pool2dArgmaxOp op, ArrayRef<Tensor> operands,
                                      SmallVectorImpl<Tensor> &results) {
  const Tensor &x = operands[0];
  Tensor out = makeResult(op);
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(), pads = op.getPads(),
                    dilations = op.getDilations();
  ArrayRef<int64_t> in = x.getShape(), os = out.getShape();
  int64_t height = in[2], width = in[3];
  bool isUnsigned = !x.isFloat() && isUnsignedInteger(x.getElementType());
  bool columnMajor = op.getColumnMajor();
  int64_t planes = in[0] * in[1];
  for (int64_t p = 0; p < planes; ++p) {
    int64_t inBase = p * height * width;
    for (int64_t oh = 0; oh < os[2]; ++oh) {
      WindowDim wh{oh * strides[0] - pads[0], kernel[0], dilations[0]};
      for (int64_t ow = 0; ow < os[3]; ++ow) {
        WindowDim ww{ow * strides[1] - pads[1], kernel[1], dilations[1]};
        int64_t best = -1, bestH = 0, bestW = 0;
        forEachInWindow(wh, ww, height, width, [&](int64_t h, int64_t w) {
          int64_t idx = inBase + h * width + w;
          bool better = best < 0;
          if (!better && x.isFloat()) {
            // A NaN is kept only until a number shows up; it never replaces one.
            double v = x.floats()[idx], b = x.floats()[best];
            better = !std::isnan(v) && (std::isnan(b) || v > b);
          } else if (!better) {
            better = integerLess(x.ints()[best], x.ints()[idx], isUnsigned);
          }
          if (better) {
            best = idx;
            bestH = h;
            bestW = w;
          }
        });
        int64_t o = (p * os[2] + oh) * os[3] + ow;
        int64_t position = best < 0 ? -1
                           : columnMajor ? inBase + bestH + bestW * height
                                         : best;
        out.setInt(o, position);
      }
    }
  }
  results.push_back(std::move(out));
  return success();
}

/// Max or average over all dims from 2 on, per (N, C) plane.
static LogicalResult evalGlobalPool(GlobalPoolOp op, ArrayRef<Tensor> operands,
                                    SmallVectorImpl<Tensor> &results) {
  const Tensor &x = operands[0];
  Tensor out = makeResult(op);
  int64_t planes = product(x.getShape().take_front(2));
  int64_t inner = product(x.getShape().drop_front(2));
  bool isMax = op.getKind() == PoolKind::max;
  bool isUnsigned = !x.isFloat() && isUnsignedInteger(x.getElementType());
  for (int64_t p = 0; p < planes; ++p) {
    int64_t base = p * inner;
    if (isMax && !x.isFloat()) {
      int64_t best = integerRange(x.getElementType()).first;
      for (int64_t j = 0; j < inner; ++j) {
        if (integerLess(best, x.ints()[base + j], isUnsigned)) {
          best = x.ints()[base + j];
        }
      }
      out.setInt(p, best);
      continue;
    }
    double acc = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
    for (int64_t j = 0; j < inner; ++j) {
      acc = isMax ? maxPropagatingNaN(acc, x.floats()[base + j]) : acc + x.getDouble(base + j);
    }
    out.setDouble(p, isMax ? acc : acc / static_cast<double>(inner));
  }
  results.push_back(std::move(out));
  return success();
}

//===----------------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------------===//

FamilyResult evalReduction(Operation *op, ArrayRef<Tensor> operands,
                           SmallVectorImpl<Tensor> &results) {
  if (auto reduce = dyn_cast<ReduceOp>(op)) {
    return evalReduce(reduce, operands, results);
  }
  if (auto argmax = dyn_cast<ArgmaxOp>(op)) {
    return evalArgmax(argmax, operands, results);
  }
  if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
    return evalSoftmax(op, static_cast<int64_t>(softmax.getAxis()), false, operands,
                       results);
  }
  if (auto logSoftmax = dyn_cast<LogSoftmaxOp>(op)) {
    return evalSoftmax(op, static_cast<int64_t>(logSoftmax.getAxis()), true, operands,
                       results);
  }
  if (auto layerNorm = dyn_cast<LayerNormOp>(op)) {
    return evalLayerNorm(layerNorm, operands, results);
  }
  if (auto batchNorm = dyn_cast<BatchNormOp>(op)) {
    return evalBatchNorm(batchNorm, operands, results);
  }
  if (auto pool = dyn_cast<Pool2dOp>(op)) {
    return evalPool2d(pool, operands, results);
  }
  if (auto pool = dyn_cast<Pool2dArgmaxOp>(op)) {
    return evalPool2dArgmax(pool, operands, results);
  }
  if (auto pool = dyn_cast<GlobalPoolOp>(op)) {
    return evalGlobalPool(pool, operands, results);
  }
  return std::nullopt;
}

} // namespace kiln::interp
