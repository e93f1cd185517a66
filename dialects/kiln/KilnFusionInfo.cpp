//===- KilnFusionInfo.cpp - FusionOpInterface implementations --------------===//
//
// Iteration spaces of kiln ops, linalg-style: loops, iterator kinds, and one affine map
// per operand then per result from loop indices to element indices. These are what the
// fusion pass reads to decide whether a producer's loops line up with a consumer's.
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"

#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using utils::IteratorType;

namespace kiln {

StringRef stringifyFusionClass(FusionClass cls) {
  switch (cls) {
  case FusionClass::Elementwise:
    return "elementwise";
  case FusionClass::Broadcast:
    return "broadcast";
  case FusionClass::Reduction:
    return "reduction";
  case FusionClass::Contraction:
    return "contraction";
  case FusionClass::DataMovement:
    return "data-movement";
  case FusionClass::Opaque:
    return "opaque";
  }
  llvm_unreachable("unknown fusion class");
}

FusionClass getFusionClass(Operation *op) {
  if (auto iface = dyn_cast<FusionOpInterface>(op)) {
    return iface.getFusionClass();
  }
  return FusionClass::Opaque;
}

FailureOr<AffineMap> getBroadcastMap(ArrayRef<int64_t> operandShape,
                                     ArrayRef<int64_t> loopShape, MLIRContext *ctx) {
  if (operandShape.size() > loopShape.size()) {
    return failure();
  }
  size_t offset = loopShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, d] : llvm::enumerate(operandShape)) {
    int64_t loop = loopShape[i + offset];
    if (d == loop && !ShapedType::isDynamic(d)) {
      exprs.push_back(getAffineDimExpr(i + offset, ctx));
    } else if (d == 1) {
      exprs.push_back(getAffineConstantExpr(0, ctx)); // broadcast dim
    } else if (ShapedType::isDynamic(d) && ShapedType::isDynamic(loop)) {
      // `?` against `?`: ONNX shape inference would have said if it broadcast; treat it
      // as a plain dim, as linalg does.
      exprs.push_back(getAffineDimExpr(i + offset, ctx));
    } else {
      return failure(); // `?` against a static size: unknown whether it broadcasts
    }
  }
  return AffineMap::get(loopShape.size(), 0, exprs, ctx);
}

static SmallVector<IteratorType> parallelLoops(int64_t n) {
  return SmallVector<IteratorType>(n, IteratorType::parallel);
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

namespace detail {
FailureOr<IterationSpace> getDefaultIterationSpace(Operation *op, FusionClass cls) {
  if (cls != FusionClass::Elementwise || op->getNumResults() != 1) {
    return failure();
  }
  MLIRContext *ctx = op->getContext();
  ArrayRef<int64_t> loops = shapeOf(op->getResult(0));
  IterationSpace space;
  for (Value operand : op->getOperands()) {
    FailureOr<AffineMap> map = getBroadcastMap(shapeOf(operand), loops, ctx);
    if (failed(map)) {
      return failure();
    }
    space.indexingMaps.push_back(*map);
  }
  space.indexingMaps.push_back(AffineMap::getMultiDimIdentityMap(loops.size(), ctx));
  space.iteratorTypes = parallelLoops(loops.size());
  return space;
}
} // namespace detail

//===----------------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------------===//

// Loops (batch..., m, n, k); batch dims of each operand broadcast to the result's.
FailureOr<IterationSpace> MatmulOp::getIterationSpace() {
  MLIRContext *ctx = getContext();
  ArrayRef<int64_t> out = getOutput().getType().getShape();
  int64_t batch = out.size() - 2, numLoops = out.size() + 1;
  AffineExpr m = getAffineDimExpr(batch, ctx), n = getAffineDimExpr(batch + 1, ctx),
             k = getAffineDimExpr(batch + 2, ctx);
  IterationSpace space;
  auto operandMap = [&](Value v, AffineExpr row, AffineExpr col,
                        bool transposed) -> FailureOr<AffineMap> {
    ArrayRef<int64_t> shape = shapeOf(v);
    FailureOr<AffineMap> b = getBroadcastMap(shape.drop_back(2), out.drop_back(2), ctx);
    if (failed(b)) {
      return failure();
    }
    SmallVector<AffineExpr> exprs(b->getResults());
    exprs.push_back(transposed ? col : row);
    exprs.push_back(transposed ? row : col);
    return AffineMap::get(numLoops, 0, exprs, ctx);
  };
  FailureOr<AffineMap> lhs = operandMap(getLhs(), m, k, getTransposeA());
  FailureOr<AffineMap> rhs = operandMap(getRhs(), k, n, getTransposeB());
  if (failed(lhs) || failed(rhs)) {
    return failure();
  }
  SmallVector<AffineExpr> res;
  for (int64_t i = 0; i < batch + 2; ++i) {
    res.push_back(getAffineDimExpr(i, ctx));
  }
  space.indexingMaps = {*lhs, *rhs, AffineMap::get(numLoops, 0, res, ctx)};
  space.iteratorTypes = parallelLoops(batch + 2);
  space.iteratorTypes.push_back(IteratorType::reduction);
  return space;
}

// Loops (n, g, og, oh, ow, ic, kh, kw) with o = g * OG + og and c = g * IC + ic; the
// input is read at (oh * stride + kh * dilation). Padding reads outside the input, which
// an affine map cannot say: padded convolutions have no iteration space.
FailureOr<IterationSpace> Conv2dOp::getIterationSpace() {
  if (llvm::any_of(getPads(), [](int64_t p) { return p != 0; })) {
    return failure();
  }
  RankedTensorType weight = getWeight().getType();
  int64_t groups = getGroups();
  int64_t perGroupOut = weight.getDimSize(0), perGroupIn = weight.getDimSize(1);
  if (ShapedType::isDynamic(perGroupOut) || ShapedType::isDynamic(perGroupIn)) {
    return failure();
  }
  perGroupOut /= groups;
  MLIRContext *ctx = getContext();
  SmallVector<AffineExpr> d;
  for (int i = 0; i < 8; ++i) {
    d.push_back(getAffineDimExpr(i, ctx));
  }
  AffineExpr n = d[0], g = d[1], og = d[2], oh = d[3], ow = d[4], ic = d[5], kh = d[6],
             kw = d[7];
  ArrayRef<int64_t> s = getStrides(), dil = getDilations();
  AffineExpr o = g * perGroupOut + og, c = g * perGroupIn + ic;
  IterationSpace space;
  space.indexingMaps.push_back(
      AffineMap::get(8, 0, {n, c, oh * s[0] + kh * dil[0], ow * s[1] + kw * dil[1]}, ctx));
  space.indexingMaps.push_back(AffineMap::get(8, 0, {o, ic, kh, kw}, ctx));
  if (getBias()) {
    space.indexingMaps.push_back(AffineMap::get(8, 0, {o}, ctx));
  }
  space.indexingMaps.push_back(AffineMap::get(8, 0, {n, o, oh, ow}, ctx));
  space.iteratorTypes = parallelLoops(5);
  space.iteratorTypes.append(3, IteratorType::reduction);
  return space;
}

//===----------------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------------===//

/// Loops over the input; the result drops (or pins to 0 with keep_dims) `axes`.
static IterationSpace reductionSpace(MLIRContext *ctx, int64_t rank, ArrayRef<int64_t> axes,
                                     bool keepDims) {
  IterationSpace space;
  space.indexingMaps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  SmallVector<AffineExpr> res;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    space.iteratorTypes.push_back(reduced ? IteratorType::reduction : IteratorType::parallel);
    if (!reduced) {
      res.push_back(getAffineDimExpr(d, ctx));
    } else if (keepDims) {
      res.push_back(getAffineConstantExpr(0, ctx));
    }
  }
  space.indexingMaps.push_back(AffineMap::get(rank, 0, res, ctx));
  return space;
}

FailureOr<IterationSpace> ReduceOp::getIterationSpace() {
  return reductionSpace(getContext(), getInput().getType().getRank(), getAxes(),
                        getKeepDims());
}

FailureOr<IterationSpace> ArgmaxOp::getIterationSpace() {
  return reductionSpace(getContext(), getInput().getType().getRank(), {static_cast<int64_t>(getAxis())},
                        getKeepDims());
}

FailureOr<IterationSpace> GlobalPoolOp::getIterationSpace() {
  int64_t rank = getInput().getType().getRank();
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d) {
    axes.push_back(d);
  }
  return reductionSpace(getContext(), rank, axes, /*keepDims=*/true);
}

/// Softmax-like row ops: every output element depends on its whole row along `axes`,
/// which the iterator kinds record; element maps are identities.
static IterationSpace rowSpace(MLIRContext *ctx, int64_t rank, ArrayRef<int64_t> axes,
                               unsigned numOperands) {
  IterationSpace space;
  for (unsigned i = 0; i <= numOperands; ++i) {
    space.indexingMaps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  }
  for (int64_t d = 0; d < rank; ++d) {
    space.iteratorTypes.push_back(llvm::is_contained(axes, d) ? IteratorType::reduction
                                                              : IteratorType::parallel);
  }
  return space;
}

FailureOr<IterationSpace> SoftmaxOp::getIterationSpace() {
  return rowSpace(getContext(), getInput().getType().getRank(), {static_cast<int64_t>(getAxis())}, 1);
}

FailureOr<IterationSpace> LogSoftmaxOp::getIterationSpace() {
  return rowSpace(getContext(), getInput().getType().getRank(), {static_cast<int64_t>(getAxis())}, 1);
}

FailureOr<IterationSpace> LayerNormOp::getIterationSpace() {
  MLIRContext *ctx = getContext();
  int64_t rank = getInput().getType().getRank(), axis = getAxis();
  SmallVector<int64_t> axes;
  for (int64_t d = axis; d < rank; ++d) {
    axes.push_back(d);
  }
  IterationSpace space = rowSpace(ctx, rank, axes, 1);
  // scale and bias are read along the normalized dims only.
  SmallVector<AffineExpr> tail;
  for (int64_t d = axis; d < rank; ++d) {
    tail.push_back(getAffineDimExpr(d, ctx));
  }
  AffineMap paramMap = AffineMap::get(rank, 0, tail, ctx);
  unsigned numParams = (getScale() ? 1 : 0) + (getBias() ? 1 : 0);
  space.indexingMaps.insert(space.indexingMaps.begin() + 1, numParams, paramMap);
  return space;
}

FailureOr<IterationSpace> BatchNormOp::getIterationSpace() {
  MLIRContext *ctx = getContext();
  int64_t rank = getInput().getType().getRank();
  IterationSpace space;
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap channel = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
  space.indexingMaps = {identity, channel, channel, channel, channel, identity};
  space.iteratorTypes = parallelLoops(rank);
  return space;
}

// Loops (n, c, oh, ow, kh, kw); like conv, padding makes the access non-affine.
FailureOr<IterationSpace> Pool2dOp::getIterationSpace() {
  if (llvm::any_of(getPads(), [](int64_t p) { return p != 0; }) || getCeilMode()) {
    return failure();
  }
  MLIRContext *ctx = getContext();
  SmallVector<AffineExpr> d;
  for (int i = 0; i < 6; ++i) {
    d.push_back(getAffineDimExpr(i, ctx));
  }
  ArrayRef<int64_t> s = getStrides(), dil = getDilations();
  IterationSpace space;
  space.indexingMaps.push_back(AffineMap::get(
      6, 0, {d[0], d[1], d[2] * s[0] + d[4] * dil[0], d[3] * s[1] + d[5] * dil[1]}, ctx));
  space.indexingMaps.push_back(AffineMap::get(6, 0, {d[0], d[1], d[2], d[3]}, ctx));
  space.iteratorTypes = parallelLoops(4);
  space.iteratorTypes.append(2, IteratorType::reduction);
  return space;
}

// The index arithmetic depends on the position of the maximum: not an affine access.
FailureOr<IterationSpace> Pool2dArgmaxOp::getIterationSpace() { return failure(); }

//===----------------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------------===//

// Output dim i reads input dim permutation[i].
FailureOr<IterationSpace> TransposeOp::getIterationSpace() {
  MLIRContext *ctx = getContext();
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<AffineExpr> in(perm.size());
  for (auto [i, p] : llvm::enumerate(perm)) {
    in[p] = getAffineDimExpr(i, ctx);
  }
  IterationSpace space;
  space.indexingMaps = {AffineMap::get(perm.size(), 0, in, ctx),
                        AffineMap::getMultiDimIdentityMap(perm.size(), ctx)};
  space.iteratorTypes = parallelLoops(perm.size());
  return space;
}

FailureOr<IterationSpace> BroadcastToOp::getIterationSpace() {
  ArrayRef<int64_t> out = getOutput().getType().getShape();
  FailureOr<AffineMap> in = getBroadcastMap(getInput().getType().getShape(), out,
                                            getContext());
  if (failed(in)) {
    return failure();
  }
  IterationSpace space;
  space.indexingMaps = {*in, AffineMap::getMultiDimIdentityMap(out.size(), getContext())};
  space.iteratorTypes = parallelLoops(out.size());
  return space;
}

// Row-major: linearize the output index, delinearize into the input shape (static only).
FailureOr<IterationSpace> ReshapeOp::getIterationSpace() {
  RankedTensorType in = getInput().getType(), out = getOutput().getType();
  if (!in.hasStaticShape() || !out.hasStaticShape()) {
    return failure();
  }
  MLIRContext *ctx = getContext();
  AffineExpr linear = getAffineConstantExpr(0, ctx);
  int64_t stride = 1;
  for (int64_t d = out.getRank() - 1; d >= 0; --d) {
    linear = linear + getAffineDimExpr(d, ctx) * stride;
    stride *= out.getDimSize(d);
  }
  SmallVector<AffineExpr> exprs(in.getRank());
  stride = 1;
  for (int64_t d = in.getRank() - 1; d >= 0; --d) {
    AffineExpr e = linear.floorDiv(stride);
    exprs[d] = d == 0 ? e : e % in.getDimSize(d);
    stride *= in.getDimSize(d);
  }
  IterationSpace space;
  space.indexingMaps = {AffineMap::get(out.getRank(), 0, exprs, ctx),
                        AffineMap::getMultiDimIdentityMap(out.getRank(), ctx)};
  space.iteratorTypes = parallelLoops(out.getRank());
  return space;
}

// Output index i reads input index start + step * i.
FailureOr<IterationSpace> SliceOp::getIterationSpace() {
  MLIRContext *ctx = getContext();
  int64_t rank = getInput().getType().getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    exprs.push_back(getAffineDimExpr(d, ctx) * getSteps()[d] + getStarts()[d]);
  }
  IterationSpace space;
  space.indexingMaps = {AffineMap::get(rank, 0, exprs, ctx),
                        AffineMap::getMultiDimIdentityMap(rank, ctx)};
  space.iteratorTypes = parallelLoops(rank);
  return space;
}

} // namespace kiln
