//===- PoolingToLinalg.cpp - pool2d and global_pool -> linalg -------------===//
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
    Value padValue = arith::ConstantOp::create(rewriter, loc, padAttr);
    Value padded = padSpatialDims(rewriter, loc, x, outHW, kernel, strides, dilations,
                                  before, padValue);
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
  patterns.add<GlobalPoolLowering, Pool2dLowering>(typeConverter, patterns.getContext());
}

} // namespace kiln
