//===- PoolingToLinalg.cpp - pool2d, pool2d_argmax, global_pool -> linalg ===//
//
// Pooling following lib/interp/ReductionKernels.cpp:
//
//   pool2d max x => tensor.pad x with the lowest value (-inf, the integer minimum)
//                   linalg.pooling_nchw_max (floats, signed integers) or a generic
//                   with maxui (unsigned) into fill(lowest)
//   pool2d avg x => tensor.pad x with 0; linalg.pooling_nchw_sum (a generic with extui
//                   for unsigned) into fill(0) of the accumulator type; then a map
//                   y = sum / count(oh, ow), rounded (floats) or truncated toward zero
//                   (integers)
//
// count(oh, ow) = count_h(oh) * count_w(ow) is known at compile time: the window taps
// inside the input, or with count_include_pad inside [-pad_begin, in + pad_end) (a
// ceil_mode window overhanging the trailing padding does not count the overhang). A
// uniform count is a scalar, otherwise a constant OHxOW tensor read through
// (n, c, oh, ow) -> (oh, ow).
//
//   pool2d_argmax x => a generic window reduction over (n, c, oh, ow, kh, kw) with two
//                      outputs, the best value and its row-major input position; a tap
//                      wins if it is inside the input and beats the best so far: larger
//                      (numbers beat NaN), or equal and earlier in scan order (smaller
//                      position), so the result does not depend on the visiting order;
//                      -1 when no tap lies inside. column_major: a map converts
//                      plane * HW + h * W + w to plane * HW + h + w * H.
//
//   global_pool k x => linalg.reduce over dims [2, rank), then (avg) a map dividing by
//                      the plane size, then expand_shape to (N, C, 1, ...)
//
// Accumulators: f32 for f16 / bf16, the float type otherwise, i64 for integer sums.
//
//===----------------------------------------------------------------------------===//
#include "codegen/common/ElementSemantics.h"
#include "codegen/common/KilnToLinalg.h"
#include "codegen/common/LinalgBuilders.h"

#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace kiln::codegen;

namespace kiln {
namespace {

/// Accumulator of an average (sum) over kiln element type `t`.
Type getSumAccumulatorType(Type t) {
  if (isa<FloatType>(t)) {
    return getComputeType(t);
  }
  return IntegerType::get(t.getContext(), 64);
}

/// The lowest value of kiln element type `t` in its storage type: -inf or the
/// integer minimum (0 for unsigned).
TypedAttr getLowestAttr(Type t) {
  Type storage = getStorageType(t);
  if (isa<FloatType>(storage)) {
    return FloatAttr::get(storage, -std::numeric_limits<double>::infinity());
  }
  return IntegerAttr::get(storage, getIntegerMin(t));
}

/// sum / count of one element: accumulator `v` divided and converted to the result's
/// storage type. Floats: 0 / 0 = NaN for an empty window, as in the interpreter;
/// integers truncate toward zero (an empty window has sum 0 and divides by 1).
Value buildAverage(OpBuilder &b, Location loc, Value v, Value count, Type t) {
  Type storage = getStorageType(t);
  if (isa<FloatType>(v.getType())) {
    return convertFloat(b, loc, arith::DivFOp::create(b, loc, v, count), storage);
  }
  Value q = isUnsignedInteger(t) ? Value(arith::DivUIOp::create(b, loc, v, count))
                                 : Value(arith::DivSIOp::create(b, loc, v, count));
  return arith::TruncIOp::create(b, loc, storage, q);
}

/// `count` as a constant of accumulator type `acc` (integers: at least 1).
TypedAttr getCountAttr(Type acc, int64_t count) {
  if (isa<FloatType>(acc)) {
    return FloatAttr::get(acc, static_cast<double>(count));
  }
  return IntegerAttr::get(acc, std::max<int64_t>(count, 1));
}

/// Window taps (k * dilation + start, k in [0, kernel)) inside [lo, hi), per output
/// position along one spatial dim.
SmallVector<int64_t> countTaps(int64_t out, int64_t kernel, int64_t stride,
                               int64_t dilation, int64_t padBefore, int64_t lo,
                               int64_t hi) {
  SmallVector<int64_t> counts;
  for (int64_t o = 0; o < out; ++o) {
    int64_t c = 0;
    for (int64_t k = 0; k < kernel; ++k) {
      int64_t p = o * stride - padBefore + k * dilation;
      c += (p >= lo && p < hi) ? 1 : 0;
    }
    counts.push_back(c);
  }
  return counts;
}

/// pool2d (see the file comment).
struct Pool2dLowering : OpConversionPattern<Pool2dOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(Pool2dOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(x.getType());
    Type t = cast<RankedTensorType>(op.getInput().getType()).getElementType();
    Type storage = type.getElementType();
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      pads = op.getPads(), dilations = op.getDilations();
    SmallVector<int64_t> outHW(type.getShape().drop_front(2));
    SmallVector<int64_t> before = {pads[0], pads[1]};
    bool isMax = op.getKind() == PoolKind::max;
    bool isUnsigned = isUnsignedInteger(t);

    Type acc = isMax ? storage : getSumAccumulatorType(t);
    TypedAttr padAttr = isMax ? getLowestAttr(t) : getZeroAttr(storage);
    Value padded = padSpatialDims(rewriter, loc, x, outHW, kernel, strides, dilations,
                                  before, padAttr);
    TypedAttr initAttr = isMax ? padAttr : getZeroAttr(acc);
    Value init = createFilledTensor(rewriter, loc, type.getShape(), acc, initAttr);
    auto accType = cast<RankedTensorType>(init.getType());
    Value window = createEmptyTensor(rewriter, loc, kernel, storage);
    Attribute stridesAttr = rewriter.getI64TensorAttr(strides);
    Attribute dilationsAttr = rewriter.getI64TensorAttr(dilations);

    Value pooled;
    if (!isUnsigned) {
      // The named ops extend with cast_signed: extf for floats, extsi for integers.
      if (isMax) {
        pooled = linalg::PoolingNchwMaxOp::create(rewriter, loc, TypeRange{accType},
                                                  ValueRange{padded, window},
                                                  ValueRange{init}, stridesAttr,
                                                  dilationsAttr)
                     .getResult(0);
      } else {
        pooled = linalg::PoolingNchwSumOp::create(rewriter, loc, TypeRange{accType},
                                                  ValueRange{padded, window},
                                                  ValueRange{init}, stridesAttr,
                                                  dilationsAttr)
                     .getResult(0);
      }
    } else {
      // Unsigned integers: no named NCHW op compares / extends unsigned.
      MLIRContext *ctx = getContext();
      AffineExpr n, c, oh, ow, kh, kw;
      bindDims(ctx, n, c, oh, ow, kh, kw);
      SmallVector<AffineMap> maps = {
          AffineMap::get(6, 0,
                         {n, c, oh * strides[0] + kh * dilations[0],
                          ow * strides[1] + kw * dilations[1]},
                         ctx),
          AffineMap::get(6, 0, {kh, kw}, ctx), AffineMap::get(6, 0, {n, c, oh, ow}, ctx)};
      pooled = createGenericOp(
                   rewriter, loc, TypeRange{accType}, ValueRange{padded, window},
                   ValueRange{init}, maps, getReductionIterators(6, {4, 5}),
                   [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                     if (isMax) {
                       return {arith::MaxUIOp::create(b, l, args[0], args[2])};
                     }
                     Value v = arith::ExtUIOp::create(b, l, acc, args[0]);
                     return {arith::AddIOp::create(b, l, args[2], v)};
                   })
                   .getResult(0);
    }
    if (isMax) {
      rewriter.replaceOp(op, pooled);
      return success();
    }

    int64_t height = inputType.getDimSize(2), width = inputType.getDimSize(3);
    bool includePad = op.getCountIncludePad();
    SmallVector<int64_t> countH = countTaps(
        outHW[0], kernel[0], strides[0], dilations[0], pads[0], includePad ? -pads[0] : 0,
        includePad ? height + pads[2] : height);
    SmallVector<int64_t> countW = countTaps(
        outHW[1], kernel[1], strides[1], dilations[1], pads[1], includePad ? -pads[1] : 0,
        includePad ? width + pads[3] : width);
    bool uniform = llvm::all_equal(countH) && llvm::all_equal(countW);
    Value result;
    if (uniform) {
      int64_t count = countH.front() * countW.front();
      result = createMapOp(
          rewriter, loc, pooled, storage,
          [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
            Value c = arith::ConstantOp::create(b, l, getCountAttr(acc, count));
            return {buildAverage(b, l, args[0], c, t)};
          });
    } else {
      SmallVector<Attribute> counts;
      for (int64_t ch : countH) {
        for (int64_t cw : countW) {
          counts.push_back(getCountAttr(acc, ch * cw));
        }
      }
      auto countType = RankedTensorType::get(outHW, acc);
      Value countTensor = arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(countType, counts));
      AffineMap identity = rewriter.getMultiDimIdentityMap(4);
      AffineMap plane = getDropDimsMap(4, {0, 1}, getContext());
      Value out = createEmptyTensor(rewriter, loc, type.getShape(), storage);
      result = createGenericOp(
                   rewriter, loc, TypeRange{type}, ValueRange{pooled, countTensor},
                   ValueRange{out}, {identity, plane, identity}, getParallelIterators(4),
                   [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                     return {buildAverage(b, l, args[0], args[1], t)};
                   })
                   .getResult(0);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// pool2d_argmax (see the file comment).
struct Pool2dArgmaxLowering : OpConversionPattern<Pool2dArgmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(Pool2dArgmaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value x = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(x.getType());
    Type t = cast<RankedTensorType>(op.getInput().getType()).getElementType();
    Type storage = inputType.getElementType();
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      pads = op.getPads(), dilations = op.getDilations();
    SmallVector<int64_t> outHW(type.getShape().drop_front(2));
    int64_t channels = inputType.getDimSize(1);
    int64_t height = inputType.getDimSize(2), width = inputType.getDimSize(3);

    // Padded taps are read (in bounds) but never win: validity comes from the indices.
    Value padded = padSpatialDims(rewriter, loc, x, outHW, kernel, strides, dilations,
                                  {pads[0], pads[1]}, getZeroAttr(storage));
    Type i64 = rewriter.getI64Type();
    Value valueInit =
        createFilledTensor(rewriter, loc, type.getShape(), storage, getLowestAttr(t));
    Value indexInit =
        createFilledTensor(rewriter, loc, type.getShape(), i64, IntegerAttr::get(i64, -1));
    Value window = createEmptyTensor(rewriter, loc, kernel, storage);
    AffineExpr n, c, oh, ow, kh, kw;
    bindDims(ctx, n, c, oh, ow, kh, kw);
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0,
                       {n, c, oh * strides[0] + kh * dilations[0],
                        ow * strides[1] + kw * dilations[1]},
                       ctx),
        AffineMap::get(6, 0, {kh, kw}, ctx), AffineMap::get(6, 0, {n, c, oh, ow}, ctx),
        AffineMap::get(6, 0, {n, c, oh, ow}, ctx)};
    auto generic = createGenericOp(
        rewriter, loc, TypeRange{valueInit.getType(), indexInit.getType()},
        ValueRange{padded, window}, ValueRange{valueInit, indexInit}, maps,
        getReductionIterators(6, {4, 5}),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value v = args[0], best = args[2], bestIndex = args[3];
          auto index = [&](int64_t d) { return linalg::IndexOp::create(b, l, d); };
          auto cst = [&](int64_t value) { return arith::ConstantIndexOp::create(b, l, value); };
          // Input coordinates of the tap: h = oh * s - pad + kh * d (same for w).
          auto coordinate = [&](int64_t outDim, int64_t tapDim, int64_t i) -> Value {
            Value p = arith::MulIOp::create(b, l, index(outDim), cst(strides[i]));
            p = arith::SubIOp::create(b, l, p, cst(pads[i]));
            Value tap = arith::MulIOp::create(b, l, index(tapDim), cst(dilations[i]));
            return arith::AddIOp::create(b, l, p, tap);
          };
          Value h = coordinate(2, 4, 0), w = coordinate(3, 5, 1);
          auto inRange = [&](Value p, int64_t size) -> Value {
            Value lo = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, p, cst(0));
            Value hi = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, p, cst(size));
            return arith::AndIOp::create(b, l, lo, hi);
          };
          Value valid = arith::AndIOp::create(b, l, inRange(h, height), inRange(w, width));
          // q = ((n * C + c) * H + h) * W + w: the row-major position, which orders the
          // taps of a window in the interpreter's scan order.
          Value q = arith::AddIOp::create(
              b, l, arith::MulIOp::create(b, l, index(0), cst(channels)), index(1));
          q = arith::AddIOp::create(b, l, arith::MulIOp::create(b, l, q, cst(height)), h);
          q = arith::AddIOp::create(b, l, arith::MulIOp::create(b, l, q, cst(width)), w);
          q = arith::IndexCastOp::create(b, l, i64, q);
          Value none = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, bestIndex,
                                             createIntConstant(b, l, i64, -1));
          Value earlier = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, q, bestIndex);
          Value better;
          if (isa<FloatType>(storage)) {
            Value vNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, v, v);
            Value bestNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, best, best);
            Value greater = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, best);
            Value equal = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, v, best);
            // best is NaN: a number, or an earlier NaN, replaces it.
            Value notNan =
                arith::XOrIOp::create(b, l, vNan, createIntConstant(b, l, b.getI1Type(), 1));
            Value vsNan =
                arith::OrIOp::create(b, l, notNan, arith::AndIOp::create(b, l, vNan, earlier));
            // best is a number: a greater number, or an equal earlier one.
            Value vsNumber = arith::OrIOp::create(b, l, greater,
                                                  arith::AndIOp::create(b, l, equal, earlier));
            better = arith::SelectOp::create(b, l, bestNan, vsNan, vsNumber);
          } else {
            Value greater = arith::CmpIOp::create(
                b, l,
                isUnsignedInteger(t) ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt, v,
                best);
            Value equal = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, v, best);
            better = arith::OrIOp::create(b, l, greater,
                                          arith::AndIOp::create(b, l, equal, earlier));
          }
          better = arith::OrIOp::create(b, l, none, better);
          better = arith::AndIOp::create(b, l, valid, better);
          return {arith::SelectOp::create(b, l, better, v, best),
                  arith::SelectOp::create(b, l, better, q, bestIndex)};
        });
    Value result = generic.getResult(1);
    if (op.getColumnMajor()) {
      // p = plane * H * W + h * W + w  =>  plane * H * W + h + w * H (p = -1 stays).
      result = createMapOp(
          rewriter, loc, result, i64,
          [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
            Value p = args[0];
            auto cst = [&](int64_t value) { return createIntConstant(b, l, i64, value); };
            Value planeSize = cst(height * width);
            Value inPlane = arith::RemSIOp::create(b, l, p, planeSize);
            Value base = arith::SubIOp::create(b, l, p, inPlane);
            Value h = arith::DivSIOp::create(b, l, inPlane, cst(width));
            Value w = arith::RemSIOp::create(b, l, inPlane, cst(width));
            Value column = arith::AddIOp::create(
                b, l, base,
                arith::AddIOp::create(b, l, h, arith::MulIOp::create(b, l, w, cst(height))));
            Value none = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, p, cst(0));
            return {arith::SelectOp::create(b, l, none, p, column)};
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// global_pool (see the file comment).
struct GlobalPoolLowering : OpConversionPattern<GlobalPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(GlobalPoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(x.getType());
    Type t = cast<RankedTensorType>(op.getInput().getType()).getElementType();
    Type storage = type.getElementType();
    bool isMax = op.getKind() == PoolKind::max;
    SmallVector<int64_t> spatial;
    int64_t count = 1;
    for (int64_t d = 2; d < inputType.getRank(); ++d) {
      spatial.push_back(d);
      count *= inputType.getDimSize(d);
    }
    Type acc = isMax ? storage : getSumAccumulatorType(t);
    SmallVector<int64_t> planes(inputType.getShape().take_front(2));
    Value init = createFilledTensor(rewriter, loc, planes, acc,
                                    isMax ? getLowestAttr(t) : getZeroAttr(acc));
    auto reduce = linalg::ReduceOp::create(
        rewriter, loc, ValueRange{x}, ValueRange{init}, spatial,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = args[0], a = args[1];
          Value r;
          if (isMax) {
            r = createMax(b, l, a, v, t);
          } else if (isa<FloatType>(acc)) {
            r = arith::AddFOp::create(b, l, a, convertFloat(b, l, v, acc));
          } else {
            r = arith::AddIOp::create(b, l, a, extendOrTruncInt(b, l, v, t, acc));
          }
          linalg::YieldOp::create(b, l, r);
        });
    Value result = reduce.getResult(0);
    if (!isMax) {
      result = createMapOp(rewriter, loc, result, storage,
                           [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                             Value c = arith::ConstantOp::create(b, l, getCountAttr(acc, count));
                             return {buildAverage(b, l, args[0], c, t)};
                           });
    }
    rewriter.replaceOp(op, insertUnitDims(rewriter, loc, result, type.getShape()));
    return success();
  }
};

} // namespace

void populatePoolingToLinalgPatterns(TypeConverter &typeConverter,
                                     RewritePatternSet &patterns) {
  patterns.add<GlobalPoolLowering, Pool2dArgmaxLowering, Pool2dLowering>(
      typeConverter, patterns.getContext());
}

} // namespace kiln
