//===- NeuralNetOps.cpp - ONNX conv, pooling, norms, contractions -> kiln ---===//
//
// Conv (1-D, 2-D) and pools (1-D through a unit height, 2-D, 3-D as two separable 2-D
// pools), MaxPool's Indices, BatchNormalization (inference and training_mode),
// Gemm and MatMul, Softmax/LogSoftmax, LayerNormalization (with its Mean / InvStdDev
// outputs), reductions, ArgMax, and QuantizeLinear / DequantizeLinear.
//
//===----------------------------------------------------------------------------===//
#include "lib/onnx/GraphImporter.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <set>

using namespace mlir;

namespace kiln::onnx_import {
namespace {

//===----------------------------------------------------------------------------===//
// Windows: Conv and pools share kernel / strides / pads / dilations / auto_pad.
//===----------------------------------------------------------------------------===//

void checkSpatialAttrs(const onnx::NodeProto &node, std::vector<std::string> &problems,
                       int64_t maxDims) {
  for (const char *name : {"kernel_shape", "strides", "dilations"}) {
    const onnx::AttributeProto *a = findAttr(node, name);
    if (a && a->ints_size() > maxDims) {
      problems.push_back(std::string(name) + " has " + std::to_string(a->ints_size()) +
                         " dims; kiln supports " +
                         (maxDims == 2 ? "1-D and 2-D" : "1-D, 2-D and 3-D") +
                         " windows only for " + node.op_type());
    }
    // Reported here, before ONNX shape inference: its conv/pool inference divides by
    // the strides and dies of SIGFPE on a 0.
    if (a && llvm::any_of(a->ints(), [](int64_t v) { return v <= 0; })) {
      std::string values;
      for (int64_t v : a->ints()) {
        values += (values.empty() ? "" : ", ") + std::to_string(v);
      }
      problems.push_back(std::string(name) + " [" + values + "] must be positive");
    }
  }
  std::string autoPad = getStringAttr(node, "auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER") {
    problems.push_back("auto_pad '" + autoPad + "' is not an ONNX value");
  }
}

struct Window {
  SmallVector<int64_t> kernel, strides, pads, dilations; // 2-D; pads [t, l, b, r]
  bool oneD = false;
  // 3-D windows: the depth part; kernel/strides/pads/dilations above hold (H, W).
  bool threeD = false;
  int64_t depthKernel = 1, depthStride = 1, depthDilation = 1, depthPadBegin = 0,
          depthPadEnd = 0;
};

/// Reads the window attributes of a node whose input has `rank` (3, 4, or 5 when
/// `allow3D`) and spatial dims `spatial`, resolving auto_pad. 1-D windows get a unit
/// height; 3-D windows keep their depth part apart.
FailureOr<Window> readWindow(GraphImporter &gi, int64_t rank, ArrayRef<int64_t> spatial,
                             ArrayRef<int64_t> kernelFromWeight, bool allow3D = false) {
  if (rank != 3 && rank != 4 && !(allow3D && rank == 5)) {
    return gi.error() << "input has rank " << rank << "; kiln supports 1-D (rank 3), 2-D "
                      << "(rank 4)" << (allow3D ? " and 3-D (rank 5)" : "")
                      << " windows here";
  }
  int64_t n = rank - 2;
  Window w;
  w.oneD = n == 1;
  SmallVector<int64_t> kernel = gi.intsAttr("kernel_shape", kernelFromWeight);
  SmallVector<int64_t> strides = gi.intsAttr("strides", SmallVector<int64_t>(n, 1));
  SmallVector<int64_t> dilations = gi.intsAttr("dilations", SmallVector<int64_t>(n, 1));
  SmallVector<int64_t> pads = gi.intsAttr("pads", SmallVector<int64_t>(2 * n, 0));
  if (static_cast<int64_t>(kernel.size()) != n || static_cast<int64_t>(strides.size()) != n ||
      static_cast<int64_t>(dilations.size()) != n ||
      static_cast<int64_t>(pads.size()) != 2 * n) {
    return gi.error() << "kernel_shape, strides, dilations and pads must have " << n << ", "
                      << n << ", " << n << " and " << 2 * n << " values for a rank-" << rank
                      << " input";
  }
  for (int64_t i = 0; i < n; ++i) {
    if (kernel[i] <= 0 || strides[i] <= 0 || dilations[i] <= 0) {
      return gi.error() << "kernel_shape, strides and dilations must be positive";
    }
  }
  // Real windows are small (global pooling has its own op); a bound keeps an absurd
  // kernel_shape from asking for unbounded work later.
  constexpr int64_t kMaxWindowElements = int64_t(1) << 20;
  int64_t area = 1;
  for (int64_t k : kernel) {
    if (__builtin_mul_overflow(area, k, &area) || area > kMaxWindowElements) {
      return gi.error() << "kernel_shape " << formatShape(kernel) << " has more than "
                        << kMaxWindowElements << " elements per window; kiln rejects such "
                                                 "windows (use a global pool instead)";
    }
  }
  std::string autoPad = gi.stringAttr("auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    pads.assign(2 * n, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int64_t i = 0; i < n; ++i) {
      int64_t out = (spatial[i] + strides[i] - 1) / strides[i];
      int64_t total = std::max<int64_t>(
          0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - spatial[i]);
      int64_t small = total / 2;
      pads[i] = autoPad == "SAME_UPPER" ? small : total - small;
      pads[i + n] = total - pads[i];
    }
  }
  // The dilated window must fit in the padded input (this also bounds the work a huge
  // kernel_shape would ask of later stages).
  for (int64_t i = 0; i < n; ++i) {
    int64_t span, padded;
    if (__builtin_mul_overflow(kernel[i] - 1, dilations[i], &span) ||
        __builtin_add_overflow(span, 1, &span) ||
        __builtin_add_overflow(spatial[i], pads[i] + pads[i + n], &padded) || span > padded) {
      return gi.error() << "the window (kernel " << kernel[i] << ", dilation " << dilations[i]
                        << ") of spatial dim " << i << " does not fit the padded input ("
                        << spatial[i] << " + pads " << pads[i] << ", " << pads[i + n] << ")";
    }
  }
  if (w.oneD) {
    w.kernel = {1, kernel[0]};
    w.strides = {1, strides[0]};
    w.dilations = {1, dilations[0]};
    w.pads = {0, pads[0], 0, pads[1]};
  } else if (n == 3) {
    w.threeD = true;
    w.depthKernel = kernel[0];
    w.depthStride = strides[0];
    w.depthDilation = dilations[0];
    w.depthPadBegin = pads[0];
    w.depthPadEnd = pads[3];
    w.kernel = {kernel[1], kernel[2]};
    w.strides = {strides[1], strides[2]};
    w.dilations = {dilations[1], dilations[2]};
    w.pads = {pads[1], pads[2], pads[4], pads[5]};
  } else {
    w.kernel = kernel;
    w.strides = strides;
    w.dilations = dilations;
    w.pads = pads;
  }
  return w;
}

/// [N, C, L] -> [N, C, 1, L] for 1-D windows.
FailureOr<Value> to2D(GraphImporter &gi, Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  return gi.reshape(v, {t.getDimSize(0), t.getDimSize(1), 1, t.getDimSize(2)});
}

FailureOr<Value> from2D(GraphImporter &gi, Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  return gi.reshape(v, {t.getDimSize(0), t.getDimSize(1), t.getDimSize(3)});
}

LogicalResult importConv(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0), w = gi.input(1);
  if (failed(x) || failed(w)) {
    return failure();
  }
  auto xt = gi.inputType(0), wt = gi.inputType(1);
  if (wt.getRank() != xt.getRank()) {
    return gi.error() << "weight has rank " << wt.getRank() << " but the input has rank "
                      << xt.getRank();
  }
  FailureOr<Window> win = readWindow(gi, xt.getRank(), xt.getShape().drop_front(2),
                                     wt.getShape().drop_front(2));
  if (failed(win)) {
    return failure();
  }
  if (win->kernel != SmallVector<int64_t>(win->oneD ? SmallVector<int64_t>{1, wt.getShape().back()}
                                                    : SmallVector<int64_t>(wt.getShape().drop_front(2)))) {
    return gi.error() << "kernel_shape does not match the weight's spatial dims";
  }
  Value bias;
  if (gi.hasInput(2)) {
    FailureOr<Value> bv = gi.input(2);
    if (failed(bv)) {
      return failure();
    }
    bias = *bv;
  }
  Value in = *x, weight = *w;
  if (win->oneD) {
    FailureOr<Value> in2 = to2D(gi, in), w2 = to2D(gi, weight);
    if (failed(in2) || failed(w2)) {
      return failure();
    }
    in = *in2;
    weight = *w2;
  }
  int64_t groups = gi.intAttr("group", 1);
  if (groups <= 0) {
    return gi.error() << "group must be positive, got " << groups;
  }
  FailureOr<Value> y = gi.create<Conv2dOp>(in, weight, bias, ArrayRef<int64_t>(win->strides),
                                           ArrayRef<int64_t>(win->pads),
                                           ArrayRef<int64_t>(win->dilations),
                                           static_cast<uint64_t>(groups));
  if (failed(y) || (win->oneD && failed(y = from2D(gi, *y)))) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

void checkConv(const onnx::NodeProto &node, std::vector<std::string> &problems) {
  checkSpatialAttrs(node, problems, 2);
}

void checkPool(const onnx::NodeProto &node, std::vector<std::string> &problems) {
  checkSpatialAttrs(node, problems, 3);
  if (!findAttr(node, "kernel_shape")) {
    problems.push_back("required attribute 'kernel_shape' is missing");
  }
  const onnx::AttributeProto *kernel = findAttr(node, "kernel_shape");
  if (node.output_size() > 1 && !node.output(1).empty() && kernel &&
      kernel->ints_size() == 3) {
    problems.push_back("the Indices output of a 3-D MaxPool is not supported");
  }
}

/// One 2-D pool (max or avg) with the window's (H, W) attributes.
FailureOr<Value> pool2d(GraphImporter &gi, PoolKind kind, Value in, ArrayRef<int64_t> kernel,
                        ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                        ArrayRef<int64_t> dilations, bool countPad, bool ceil) {
  return gi.create<Pool2dOp>(kind, in, kernel, strides, pads, dilations, countPad, ceil);
}

/// 3-D pooling as two 2-D pools, exact because both reductions are separable:
///   pool3d(x)[n,c,d,h,w] = pool_D(pool_HW(x))  with max, or with the average whose
/// divisor (valid or padded positions of the box) is the product of the per-dim counts.
///   [N,C,D,H,W] -> [N,C*D,H,W] -pool (kh,kw)-> [N,C*D,H',W'] -> [N,C,D,H'W']
///   -pool (kd,1)-> [N,C,D',H'W'] -> [N,C,D',H',W']
FailureOr<Value> pool3d(GraphImporter &gi, PoolKind kind, Value x, const Window &win,
                        bool countPad, bool ceil) {
  ArrayRef<int64_t> s = cast<RankedTensorType>(x.getType()).getShape();
  int64_t n = s[0], c = s[1], d = s[2];
  int64_t cd;
  if (__builtin_mul_overflow(c, d, &cd)) {
    return gi.error() << "channels x depth overflows int64";
  }
  FailureOr<Value> planes = gi.reshape(x, {n, cd, s[3], s[4]});
  if (failed(planes)) {
    return failure();
  }
  FailureOr<Value> hw = pool2d(gi, kind, *planes, win.kernel, win.strides, win.pads,
                               win.dilations, countPad, ceil);
  if (failed(hw)) {
    return failure();
  }
  ArrayRef<int64_t> hs = cast<RankedTensorType>(hw->getType()).getShape();
  FailureOr<Value> columns = gi.reshape(*hw, {n, c, d, hs[2] * hs[3]});
  if (failed(columns)) {
    return failure();
  }
  FailureOr<Value> depth = pool2d(
      gi, kind, *columns, {win.depthKernel, 1}, {win.depthStride, 1},
      {win.depthPadBegin, 0, win.depthPadEnd, 0}, {win.depthDilation, 1}, countPad, ceil);
  if (failed(depth)) {
    return failure();
  }
  int64_t outDepth = cast<RankedTensorType>(depth->getType()).getDimSize(2);
  return gi.reshape(*depth, {n, c, outDepth, hs[2], hs[3]});
}

template <PoolKind kind>
LogicalResult importPool(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  auto xt = gi.inputType(0);
  FailureOr<Window> win =
      readWindow(gi, xt.getRank(), xt.getShape().drop_front(2), {}, /*allow3D=*/true);
  if (failed(win)) {
    return failure();
  }
  bool countPad = kind == PoolKind::avg && gi.intAttr("count_include_pad", 0) != 0;
  bool ceil = gi.intAttr("ceil_mode", 0) != 0;
  if (win->threeD) {
    if (gi.outputUsed(1)) {
      return gi.error() << "the Indices output of a 3-D MaxPool is not supported";
    }
    FailureOr<Value> y = pool3d(gi, kind, *x, *win, countPad, ceil);
    if (failed(y)) {
      return failure();
    }
    gi.setOutput(0, *y);
    return success();
  }
  Value in = *x;
  if (win->oneD) {
    FailureOr<Value> in2 = to2D(gi, in);
    if (failed(in2)) {
      return failure();
    }
    in = *in2;
  }
  FailureOr<Value> y = pool2d(gi, kind, in, win->kernel, win->strides, win->pads,
                              win->dilations, countPad, ceil);
  if (failed(y) || (win->oneD && failed(y = from2D(gi, *y)))) {
    return failure();
  }
  gi.setOutput(0, *y);
  if (kind == PoolKind::max && gi.outputUsed(1)) {
    // Indices into the flattened input: a 1-D [N,C,L] input flattens like [N,C,1,L].
    int64_t storageOrder = gi.intAttr("storage_order", 0);
    if (storageOrder != 0 && storageOrder != 1) {
      return gi.error() << "storage_order must be 0 (row major) or 1 (column major), got "
                        << storageOrder;
    }
    FailureOr<Value> indices = gi.create<Pool2dArgmaxOp>(
        in, ArrayRef<int64_t>(win->kernel), ArrayRef<int64_t>(win->strides),
        ArrayRef<int64_t>(win->pads), ArrayRef<int64_t>(win->dilations), ceil,
        storageOrder == 1);
    if (failed(indices) || (win->oneD && failed(indices = from2D(gi, *indices)))) {
      return failure();
    }
    gi.setOutput(1, *indices);
  }
  return success();
}

template <PoolKind kind>
LogicalResult importGlobalPool(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  FailureOr<Value> y = gi.create<GlobalPoolOp>(kind, *x);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

/// training_mode = 1 normalizes with the batch statistics and also returns the updated
/// running statistics (ONNX BatchNormalization-15):
///   mean_b = mean(x, all dims but 1), var_b = mean((x - mean_b)^2, same dims)  (biased)
///   y = batch_norm(x, scale, bias, mean_b, var_b)
///   running_mean = mean * momentum + mean_b * (1 - momentum)   (running_var alike)
LogicalResult importBatchNormTraining(GraphImporter &gi, ArrayRef<Value> in, double eps) {
  auto xt = cast<RankedTensorType>(in[0].getType());
  if (xt.getRank() < 2) {
    return gi.error() << "input must have a channel dim 1 (rank >= 2), got rank "
                      << xt.getRank();
  }
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < xt.getRank(); ++d) {
    if (d != 1) {
      axes.push_back(d);
    }
  }
  Type et = xt.getElementType();
  double momentum = gi.floatAttr("momentum", 0.9f);
  FailureOr<Value> meanKeep = gi.create<ReduceOp>(ReduceKind::mean, in[0], axes, true);
  FailureOr<Value> centered =
      failed(meanKeep) ? meanKeep : gi.create<SubOp>(in[0], *meanKeep);
  FailureOr<Value> sq = failed(centered) ? centered : gi.create<MulOp>(*centered, *centered);
  FailureOr<Value> var =
      failed(sq) ? sq : gi.create<ReduceOp>(ReduceKind::mean, *sq, axes, false);
  FailureOr<Value> mean =
      failed(var) ? var : gi.reshape(*meanKeep, {xt.getDimSize(1)});
  if (failed(mean)) {
    return failure();
  }
  FailureOr<Value> y =
      gi.create<BatchNormOp>(in[0], in[1], in[2], *mean, *var, APFloat(eps));
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  // running = stat * momentum + batch * (1 - momentum)
  for (auto [out, running, batch] : {std::tuple<int64_t, Value, Value>{1, in[3], *mean},
                                     std::tuple<int64_t, Value, Value>{2, in[4], *var}}) {
    if (!gi.outputUsed(out)) {
      continue;
    }
    FailureOr<Value> kept = gi.create<MulOp>(running, gi.scalar(et, momentum));
    FailureOr<Value> fresh =
        failed(kept) ? kept : gi.create<MulOp>(batch, gi.scalar(et, 1.0 - momentum));
    FailureOr<Value> sum = failed(fresh) ? fresh : gi.create<AddOp>(*kept, *fresh);
    if (failed(sum)) {
      return failure();
    }
    gi.setOutput(out, *sum);
  }
  return success();
}

LogicalResult importBatchNorm(GraphImporter &gi) {
  SmallVector<Value> in;
  for (int64_t i = 0; i < 5; ++i) {
    FailureOr<Value> v = gi.input(i);
    if (failed(v)) {
      return failure();
    }
    in.push_back(*v);
  }
  double eps = gi.floatAttr("epsilon", 1e-5f);
  if (gi.intAttr("training_mode", 0) != 0) {
    return importBatchNormTraining(gi, in, eps);
  }
  if (gi.outputUsed(1) || gi.outputUsed(2)) {
    return gi.error() << "running_mean / running_var outputs exist only with training_mode=1";
  }
  FailureOr<Value> y = gi.create<BatchNormOp>(in[0], in[1], in[2], in[3], in[4], APFloat(eps));
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

//===----------------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------------===//

// Gemm: alpha * op(A) op(B) + beta * C
LogicalResult importGemm(GraphImporter &gi) {
  FailureOr<Value> a = gi.input(0), b = gi.input(1);
  if (failed(a) || failed(b)) {
    return failure();
  }
  if (gi.inputType(0).getRank() != 2 || gi.inputType(1).getRank() != 2) {
    return gi.error() << "A and B must be matrices (rank 2)";
  }
  FailureOr<Value> y = gi.create<MatmulOp>(*a, *b, gi.intAttr("transA", 0) != 0,
                                           gi.intAttr("transB", 0) != 0);
  if (failed(y)) {
    return failure();
  }
  Type et = cast<RankedTensorType>(y->getType()).getElementType();
  double alpha = gi.floatAttr("alpha", 1.0f), beta = gi.floatAttr("beta", 1.0f);
  if (alpha != 1.0 && failed(y = gi.create<MulOp>(*y, gi.scalar(et, alpha)))) {
    return failure();
  }
  if (gi.hasInput(2) && beta != 0.0) {
    FailureOr<Value> c = gi.input(2);
    if (failed(c) || (beta != 1.0 && failed(c = gi.create<MulOp>(*c, gi.scalar(et, beta)))) ||
        failed(y = gi.create<AddOp>(*y, *c))) {
      return failure();
    }
  }
  gi.setOutput(0, *y);
  return success();
}

// MatMul follows numpy: a 1-D lhs is a row, a 1-D rhs a column, both dropped after.
LogicalResult importMatMul(GraphImporter &gi) {
  FailureOr<Value> a = gi.input(0), b = gi.input(1);
  if (failed(a) || failed(b)) {
    return failure();
  }
  auto at = gi.inputType(0), bt = gi.inputType(1);
  if (at.getRank() == 0 || bt.getRank() == 0) {
    return gi.error() << "MatMul operands must have rank >= 1";
  }
  bool vecA = at.getRank() == 1, vecB = bt.getRank() == 1;
  if (vecA && failed(a = gi.reshape(*a, {1, at.getDimSize(0)}))) {
    return failure();
  }
  if (vecB && failed(b = gi.reshape(*b, {bt.getDimSize(0), 1}))) {
    return failure();
  }
  FailureOr<Value> y = gi.create<MatmulOp>(*a, *b, false, false);
  if (failed(y)) {
    return failure();
  }
  if (vecA || vecB) {
    auto yt = cast<RankedTensorType>(y->getType());
    SmallVector<int64_t> shape(yt.getShape().drop_back(2));
    if (!vecA) {
      shape.push_back(yt.getDimSize(yt.getRank() - 2));
    }
    if (!vecB) {
      shape.push_back(yt.getShape().back());
    }
    if (failed(y = gi.reshape(*y, shape))) {
      return failure();
    }
  }
  gi.setOutput(0, *y);
  return success();
}

//===----------------------------------------------------------------------------===//
// Normalizations and reductions
//===----------------------------------------------------------------------------===//

template <typename OpTy>
LogicalResult importSoftmax(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  FailureOr<int64_t> axis =
      gi.normalizeAxis(gi.intAttr("axis", -1), gi.inputType(0).getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  FailureOr<Value> y = gi.create<OpTy>(*x, static_cast<uint64_t>(*axis));
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

LogicalResult importLayerNorm(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0), scale = gi.input(1);
  if (failed(x) || failed(scale)) {
    return failure();
  }
  auto xt = gi.inputType(0);
  FailureOr<int64_t> axis = gi.normalizeAxis(gi.intAttr("axis", -1), xt.getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  double eps = gi.floatAttr("epsilon", 1e-5f);
  ArrayRef<int64_t> normShape = xt.getShape().drop_front(*axis);
  Value s = *scale, bias;
  if (failed(scale = gi.broadcastTo(s, normShape))) {
    return failure();
  }
  if (gi.hasInput(2)) {
    FailureOr<Value> bv = gi.input(2);
    if (failed(bv) || failed(bv = gi.broadcastTo(*bv, normShape))) {
      return failure();
    }
    bias = *bv;
  }
  FailureOr<Value> y = gi.create<LayerNormOp>(*x, *scale, bias, static_cast<uint64_t>(*axis),
                                              APFloat(eps));
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  if (gi.outputUsed(1) || gi.outputUsed(2)) {
    // Mean and InvStdDev over [axis, rank), kept as size-1 dims.
    SmallVector<int64_t> axes;
    for (int64_t d = *axis; d < xt.getRank(); ++d) {
      axes.push_back(d);
    }
    FailureOr<Value> mean = gi.create<ReduceOp>(ReduceKind::mean, *x, axes, true);
    if (failed(mean)) {
      return failure();
    }
    gi.setOutput(1, *mean);
    FailureOr<Value> centered = gi.create<SubOp>(*x, *mean);
    FailureOr<Value> sq = failed(centered) ? centered : gi.create<MulOp>(*centered, *centered);
    FailureOr<Value> var = failed(sq) ? sq : gi.create<ReduceOp>(ReduceKind::mean, *sq, axes, true);
    Type et = xt.getElementType();
    FailureOr<Value> varEps = failed(var) ? var : gi.create<AddOp>(*var, gi.scalar(et, eps));
    FailureOr<Value> inv = failed(varEps) ? varEps : gi.create<RsqrtOp>(*varEps);
    if (failed(inv)) {
      return failure();
    }
    gi.setOutput(2, *inv);
  }
  return success();
}

/// Sorted unique axes in [0, rank); empty `axes` means all of them.
FailureOr<SmallVector<int64_t>> normalizeAxes(GraphImporter &gi, ArrayRef<int64_t> axes,
                                              int64_t rank) {
  std::set<int64_t> out;
  for (int64_t a : axes) {
    FailureOr<int64_t> n = gi.normalizeAxis(a, rank, "axis");
    if (failed(n)) {
      return failure();
    }
    out.insert(*n);
  }
  if (axes.empty()) {
    for (int64_t d = 0; d < rank; ++d) {
      out.insert(d);
    }
  }
  return SmallVector<int64_t>(out.begin(), out.end());
}

template <ReduceKind kind>
LogicalResult importReduce(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  SmallVector<int64_t> axes;
  if (gi.hasInput(1)) { // ReduceSum (opset 13+) takes axes as an input
    FailureOr<SmallVector<int64_t>> v = gi.constantInts(1, "axes");
    if (failed(v)) {
      return failure();
    }
    axes = *v;
  } else {
    axes = gi.intsAttr("axes");
  }
  if (axes.empty() && gi.intAttr("noop_with_empty_axes", 0) != 0) {
    gi.setOutput(0, *x);
    return success();
  }
  FailureOr<SmallVector<int64_t>> norm = normalizeAxes(gi, axes, gi.inputType(0).getRank());
  if (failed(norm)) {
    return failure();
  }
  FailureOr<Value> y = gi.create<ReduceOp>(kind, *x, ArrayRef<int64_t>(*norm),
                                           gi.intAttr("keepdims", 1) != 0);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

LogicalResult importArgMax(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  FailureOr<int64_t> axis =
      gi.normalizeAxis(gi.intAttr("axis", 0), gi.inputType(0).getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  FailureOr<Value> y =
      gi.create<ArgmaxOp>(*x, static_cast<uint64_t>(*axis), gi.intAttr("keepdims", 1) != 0,
                          gi.intAttr("select_last_index", 0) != 0);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

//===----------------------------------------------------------------------------===//
// QuantizeLinear / DequantizeLinear
//===----------------------------------------------------------------------------===//

/// The !quant.uniform type for (scale, zero point) inputs `scaleIdx`, `zpIdx`.
FailureOr<quant::QuantizedType> quantType(GraphImporter &gi, int64_t scaleIdx, int64_t zpIdx,
                                          Type expressed, int64_t rank) {
  std::optional<interp::Tensor> scale = gi.constantInput(scaleIdx);
  if (!scale) {
    return gi.error() << "the scale (input '" << gi.node().input(scaleIdx)
                      << "') must be a constant: scales computed at run time (dynamic "
                         "quantization) are not supported";
  }
  Type storage = gi.builder().getIntegerType(8, /*isSigned=*/false);
  std::optional<interp::Tensor> zp;
  if (gi.hasInput(zpIdx)) {
    zp = gi.constantInput(zpIdx);
    if (!zp) {
      return gi.error() << "the zero point (input '" << gi.node().input(zpIdx)
                        << "') must be a constant: zero points computed at run time are "
                           "not supported";
    }
    storage = zp->getElementType();
    if (zp->getNumElements() != scale->getNumElements()) {
      return gi.error() << "scale and zero point have different sizes";
    }
  }
  auto it = dyn_cast<IntegerType>(storage);
  if (!it || it.getWidth() == 1 || it.getWidth() > 32) {
    return gi.error() << "zero point type " << storage << " is not supported";
  }
  bool isSigned = !it.isUnsigned();
  unsigned width = it.getWidth();
  int64_t qmin = isSigned ? -(int64_t(1) << (width - 1)) : 0;
  int64_t qmax = isSigned ? (int64_t(1) << (width - 1)) - 1 : (int64_t(1) << width) - 1;
  Type signless = gi.builder().getIntegerType(width);
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  int64_t n = scale->getNumElements();
  if (scale->getRank() == 0 || n == 1) {
    double s = scale->getDouble(0);
    if (!(s > 0)) {
      return gi.error() << "scale must be positive, got " << s;
    }
    return cast<quant::QuantizedType>(quant::UniformQuantizedType::get(
        flags, signless, expressed, s, zp ? zp->ints()[0] : 0, qmin, qmax));
  }
  FailureOr<int64_t> axis = gi.normalizeAxis(gi.intAttr("axis", 1), rank, "axis");
  if (failed(axis)) {
    return failure();
  }
  SmallVector<double> scales;
  SmallVector<int64_t> zps;
  for (int64_t i = 0; i < n; ++i) {
    scales.push_back(scale->getDouble(i));
    zps.push_back(zp ? zp->ints()[i] : 0);
  }
  return cast<quant::QuantizedType>(quant::UniformQuantizedPerAxisType::get(
      flags, signless, expressed, scales, zps, static_cast<int32_t>(*axis), qmin, qmax));
}

LogicalResult importQuantizeLinear(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  auto xt = gi.inputType(0);
  FailureOr<quant::QuantizedType> qt = quantType(gi, 1, 2, xt.getElementType(), xt.getRank());
  if (failed(qt)) {
    return failure();
  }
  FailureOr<Value> y =
      gi.createTyped<QuantizeOp>(RankedTensorType::get(xt.getShape(), *qt), *x);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

LogicalResult importDequantizeLinear(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  auto xt = gi.inputType(0);
  std::optional<interp::Tensor> scale = gi.constantInput(1);
  if (!scale) {
    return gi.error() << "the scale (input '" << gi.node().input(1)
                      << "') must be a constant: scales computed at run time are not "
                         "supported";
  }
  Type expressed = scale->getElementType();
  FailureOr<quant::QuantizedType> qt = quantType(gi, 1, 2, expressed, xt.getRank());
  if (failed(qt)) {
    return failure();
  }
  auto resultType = RankedTensorType::get(xt.getShape(), expressed);
  Value q = *x;
  if (auto given = dyn_cast<quant::QuantizedType>(xt.getElementType())) {
    if (given != *qt) {
      return gi.error() << "dequantizes with parameters " << *qt
                        << " a value quantized as " << given << "; this is not supported";
    }
  } else if (auto c = x->getDefiningOp<ConstantOp>()) {
    // Reinterpret the integer constant's storage as the quantized type.
    auto storageType =
        RankedTensorType::get(xt.getShape(), gi.builder().getIntegerType(
                                                 xt.getElementType().getIntOrFloatBitWidth()));
    ElementsAttr value = c.getValue();
    if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
      value = dense.bitcast(storageType.getElementType());
    } else if (auto res = dyn_cast<DenseResourceElementsAttr>(value)) {
      value = DenseResourceElementsAttr::get(storageType, res.getRawHandle());
    }
    q = ConstantOp::create(gi.builder(), gi.loc(), RankedTensorType::get(xt.getShape(), *qt),
                           value);
  } else {
    // A plain integer tensor computed at run time: (float(x) - zp) * scale.
    FailureOr<Value> xf = gi.castTo(*x, expressed);
    FailureOr<Value> zpv = gi.hasInput(2) ? gi.input(2) : FailureOr<Value>(Value());
    if (failed(xf) || failed(zpv)) {
      return failure();
    }
    Value centered = *xf;
    int64_t axis = 0;
    auto reshapeParam = [&](Value p) -> FailureOr<Value> {
      auto pt = cast<RankedTensorType>(p.getType());
      if (pt.getNumElements() == 1 && pt.getRank() <= 1) {
        return gi.reshape(p, {});
      }
      SmallVector<int64_t> shape(xt.getRank(), 1);
      shape[axis] = pt.getNumElements();
      return gi.reshape(p, shape);
    };
    if (scale->getNumElements() > 1) {
      FailureOr<int64_t> a = gi.normalizeAxis(gi.intAttr("axis", 1), xt.getRank(), "axis");
      if (failed(a)) {
        return failure();
      }
      axis = *a;
    }
    if (*zpv) {
      FailureOr<Value> zf = gi.castTo(*zpv, expressed);
      FailureOr<Value> zr = failed(zf) ? zf : reshapeParam(*zf);
      FailureOr<Value> sub = failed(zr) ? zr : gi.create<SubOp>(centered, *zr);
      if (failed(sub)) {
        return failure();
      }
      centered = *sub;
    }
    FailureOr<Value> sr = gi.input(1);
    if (failed(sr) || failed(sr = reshapeParam(*sr))) {
      return failure();
    }
    FailureOr<Value> y = gi.create<MulOp>(centered, *sr);
    if (failed(y)) {
      return failure();
    }
    gi.setOutput(0, *y);
    return success();
  }
  FailureOr<Value> y = gi.createTyped<DequantizeOp>(resultType, q);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

} // namespace

void registerNeuralNetOps(OpTable &t) {
  t["Conv"] = {importConv, checkConv};
  t["MaxPool"] = {importPool<PoolKind::max>, checkPool};
  t["AveragePool"] = {importPool<PoolKind::avg>, checkPool};
  t["GlobalAveragePool"] = {importGlobalPool<PoolKind::avg>};
  t["GlobalMaxPool"] = {importGlobalPool<PoolKind::max>};
  t["BatchNormalization"] = {importBatchNorm};
  t["Gemm"] = {importGemm};
  t["MatMul"] = {importMatMul};
  t["Softmax"] = {importSoftmax<SoftmaxOp>};
  t["LogSoftmax"] = {importSoftmax<LogSoftmaxOp>};
  t["LayerNormalization"] = {importLayerNorm};
  t["ReduceMean"] = {importReduce<ReduceKind::mean>};
  t["ReduceSum"] = {importReduce<ReduceKind::sum>};
  t["ReduceMax"] = {importReduce<ReduceKind::max>};
  t["ReduceMin"] = {importReduce<ReduceKind::min>};
  t["ReduceProd"] = {importReduce<ReduceKind::prod>};
  t["ArgMax"] = {importArgMax};
  t["QuantizeLinear"] = {importQuantizeLinear};
  t["DequantizeLinear"] = {importDequantizeLinear};
}

} // namespace kiln::onnx_import
