//===- NormalizationToLinalg.cpp - softmax, layer_norm, batch_norm -> linalg ===//
//
// Row ops as numerically stable decompositions into linalg ops that share one loop
// structure (the row-reduction fusion scheme fuses them back into one kernel):
//
//   softmax(x)     = exp(x - m) / s,        m = max_a x, s = sum_a exp(x - m)
//   log_softmax(x) = (x - m) - log(s)
//     => m: linalg.reduce with arith.maximumf (NaN-propagating; the sign of a zero
//        maximum does not matter here, and vectorizers know it as a combiner);
//        softmax: e = exp(x - m) once (parallel, into the result), s = sum_a e, y = e / s;
//        log_softmax: s: linalg.generic (reduction at a), y reads x, m, s
//
//   layer_norm(x)  = (x - mean) / sqrt(var + eps) * scale + bias over dims [axis, rank)
//     => sum: generic reduction; var * n: generic reduction of (x - sum / n)^2 (two-pass,
//        as the interpreter); y: all-parallel generic
//
//   batch_norm(x)  = (x - mean[c]) / sqrt(var[c] + eps) * scale[c] + bias[c]
//     => one all-parallel generic, the parameters read through (d0, ..., dn) -> (d1)
//
// Everything is computed in f32 for f16 / bf16 inputs (f64 for f64) and rounded once.
//
//===----------------------------------------------------------------------------===//
#include "codegen/common/ElementSemantics.h"
#include "codegen/common/KilnToLinalg.h"
#include "codegen/common/LinalgBuilders.h"

#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace kiln::codegen;

namespace kiln {
namespace {

/// softmax / log_softmax along `axis` (see the file comment).
template <typename OpTy>
struct SoftmaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    constexpr bool logarithm = std::is_same_v<OpTy, LogSoftmaxOp>;
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type elem = type.getElementType();
    Type compute = getComputeType(elem);
    auto axis = static_cast<int64_t>(op.getAxis());
    auto rank = static_cast<unsigned>(type.getRank());
    SmallVector<int64_t> rowShape = dropDims(type.getShape(), {axis});
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap rowMap = getDropDimsMap(rank, {axis}, rewriter.getContext());

    // m = max_a x
    Value maxInit = createFilledTensor(
        rewriter, loc, rowShape, compute,
        FloatAttr::get(compute, -std::numeric_limits<double>::infinity()));
    auto max = linalg::ReduceOp::create(
        rewriter, loc, ValueRange{x}, ValueRange{maxInit}, {axis},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = convertFloat(b, l, args[0], compute);
          linalg::YieldOp::create(b, l, arith::MaximumFOp::create(b, l, args[1], v).getResult());
        });
    Value m = max.getResult(0);
    Value sumInit = createFilledTensor(rewriter, loc, rowShape, compute,
                                       FloatAttr::get(compute, 0.0));
    if (!logarithm) {
      // e = exp(x - m) in the compute type, s = sum_a e, y = e / s.
      Value eInit = createEmptyTensor(rewriter, loc, type.getShape(), compute);
      Value e = createGenericOp(
                    rewriter, loc, TypeRange{eInit.getType()}, ValueRange{x, m},
                    ValueRange{eInit}, {identity, rowMap, identity}, getParallelIterators(rank),
                    [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                      Value v = convertFloat(b, l, args[0], compute);
                      return {math::ExpOp::create(b, l, arith::SubFOp::create(b, l, v, args[1]))};
                    })
                    .getResult(0);
      Value s = createGenericOp(
                    rewriter, loc, TypeRange{sumInit.getType()}, ValueRange{e},
                    ValueRange{sumInit}, {identity, rowMap}, getReductionIterators(rank, {axis}),
                    [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                      return {arith::AddFOp::create(b, l, args[1], args[0])};
                    })
                    .getResult(0);
      Value init = createEmptyTensor(rewriter, loc, type.getShape(), elem);
      Value y = createGenericOp(
                    rewriter, loc, TypeRange{type}, ValueRange{e, s}, ValueRange{init},
                    {identity, rowMap, identity}, getParallelIterators(rank),
                    [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                      return {convertFloat(b, l, arith::DivFOp::create(b, l, args[0], args[1]),
                                           elem)};
                    })
                    .getResult(0);
      rewriter.replaceOp(op, y);
      return success();
    }

    // s = sum_a exp(x - m)
    Value s = createGenericOp(
                  rewriter, loc, TypeRange{sumInit.getType()}, ValueRange{x, m},
                  ValueRange{sumInit}, {identity, rowMap, rowMap},
                  getReductionIterators(rank, {axis}),
                  [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                    Value v = convertFloat(b, l, args[0], compute);
                    Value e = math::ExpOp::create(b, l, arith::SubFOp::create(b, l, v, args[1]));
                    return {arith::AddFOp::create(b, l, args[2], e)};
                  })
                  .getResult(0);

    // y = exp(x - m) / s   or   (x - m) - log(s)
    Value init = createEmptyTensor(rewriter, loc, type.getShape(), elem);
    Value y = createGenericOp(
                  rewriter, loc, TypeRange{type}, ValueRange{x, m, s}, ValueRange{init},
                  {identity, rowMap, rowMap, identity}, getParallelIterators(rank),
                  [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                    Value v = convertFloat(b, l, args[0], compute);
                    Value shifted = arith::SubFOp::create(b, l, v, args[1]);
                    Value r;
                    if (logarithm) {
                      r = arith::SubFOp::create(b, l, shifted,
                                                math::LogOp::create(b, l, args[2]));
                    } else {
                      r = arith::DivFOp::create(b, l, math::ExpOp::create(b, l, shifted),
                                                args[2]);
                    }
                    return {convertFloat(b, l, r, elem)};
                  })
                  .getResult(0);
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// layer_norm over dims [axis, rank) (see the file comment).
struct LayerNormLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type elem = type.getElementType();
    Type compute = getComputeType(elem);
    auto axis = static_cast<int64_t>(op.getAxis());
    auto rank = static_cast<unsigned>(type.getRank());
    SmallVector<int64_t> normalized;
    int64_t n = 1;
    for (unsigned d = axis; d < rank; ++d) {
      normalized.push_back(d);
      n *= type.getDimSize(d);
    }
    double epsilon = op.getEpsilon().convertToDouble();
    SmallVector<int64_t> rowShape(type.getShape().take_front(axis));
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap rowMap = getDropDimsMap(rank, normalized, rewriter.getContext());
    SmallVector<int64_t> outer;
    for (int64_t d = 0; d < axis; ++d) {
      outer.push_back(d);
    }
    AffineMap paramMap = getDropDimsMap(rank, outer, rewriter.getContext());
    SmallVector<utils::IteratorType> reduction = getReductionIterators(rank, normalized);
    auto zeroRow = [&]() {
      return createFilledTensor(rewriter, loc, rowShape, compute,
                                FloatAttr::get(compute, 0.0));
    };
    auto mean = [&](OpBuilder &b, Location l, Value sum) -> Value {
      return arith::DivFOp::create(b, l, sum,
                                   createFloatConstant(b, l, compute, static_cast<double>(n)));
    };

    // sum = sum_j x_j
    Value sumInit = zeroRow();
    Value sum = createGenericOp(rewriter, loc, TypeRange{sumInit.getType()}, ValueRange{x},
                                ValueRange{sumInit}, {identity, rowMap}, reduction,
                                [&](OpBuilder &b, Location l,
                                    ValueRange args) -> SmallVector<Value> {
                                  Value v = convertFloat(b, l, args[0], compute);
                                  return {arith::AddFOp::create(b, l, args[1], v)};
                                })
                    .getResult(0);

    // ssd = sum_j (x_j - mean)^2
    Value ssdInit = zeroRow();
    Value ssd = createGenericOp(rewriter, loc, TypeRange{ssdInit.getType()},
                                ValueRange{x, sum}, ValueRange{ssdInit},
                                {identity, rowMap, rowMap}, reduction,
                                [&](OpBuilder &b, Location l,
                                    ValueRange args) -> SmallVector<Value> {
                                  Value v = convertFloat(b, l, args[0], compute);
                                  Value d = arith::SubFOp::create(b, l, v, mean(b, l, args[1]));
                                  Value sq = arith::MulFOp::create(b, l, d, d);
                                  return {arith::AddFOp::create(b, l, args[2], sq)};
                                })
                    .getResult(0);

    // y = (x - mean) * (1 / sqrt(ssd / n + eps)) * scale + bias
    SmallVector<Value> inputs = {x, sum, ssd};
    SmallVector<AffineMap> maps = {identity, rowMap, rowMap};
    Value scale = adaptor.getScale(), bias = adaptor.getBias();
    if (scale) {
      inputs.push_back(scale);
      maps.push_back(paramMap);
    }
    if (bias) {
      inputs.push_back(bias);
      maps.push_back(paramMap);
    }
    maps.push_back(identity);
    Value init = createEmptyTensor(rewriter, loc, type.getShape(), elem);
    Value y = createGenericOp(
                  rewriter, loc, TypeRange{type}, inputs, ValueRange{init}, maps,
                  getParallelIterators(rank),
                  [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                    Value v = convertFloat(b, l, args[0], compute);
                    Value variance = mean(b, l, args[2]);
                    Value denominator = math::SqrtOp::create(
                        b, l,
                        arith::AddFOp::create(b, l, variance,
                                              createFloatConstant(b, l, compute, epsilon)));
                    Value invStd = arith::DivFOp::create(
                        b, l, createFloatConstant(b, l, compute, 1.0), denominator);
                    Value r = arith::MulFOp::create(
                        b, l, arith::SubFOp::create(b, l, v, mean(b, l, args[1])), invStd);
                    unsigned next = 3;
                    if (scale) {
                      r = arith::MulFOp::create(b, l, r,
                                                convertFloat(b, l, args[next++], compute));
                    }
                    if (bias) {
                      r = arith::AddFOp::create(b, l, r,
                                                convertFloat(b, l, args[next++], compute));
                    }
                    return {convertFloat(b, l, r, elem)};
                  })
                  .getResult(0);
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// batch_norm (see the file comment).
struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type elem = type.getElementType();
    Type compute = getComputeType(elem);
    auto rank = static_cast<unsigned>(type.getRank());
    double epsilon = op.getEpsilon().convertToDouble();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel = AffineMap::get(rank, 0, rewriter.getAffineDimExpr(1));
    Value init = createEmptyTensor(rewriter, loc, type.getShape(), elem);
    Value y =
        createGenericOp(
            rewriter, loc, TypeRange{type},
            ValueRange{x, adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
                       adaptor.getVariance()},
            ValueRange{init}, {identity, channel, channel, channel, channel, identity},
            getParallelIterators(rank),
            [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
              auto c = [&](unsigned i) { return convertFloat(b, l, args[i], compute); };
              Value denominator = math::SqrtOp::create(
                  b, l,
                  arith::AddFOp::create(b, l, c(4), createFloatConstant(b, l, compute, epsilon)));
              Value r = arith::DivFOp::create(b, l, arith::SubFOp::create(b, l, c(0), c(3)),
                                              denominator);
              r = arith::MulFOp::create(b, l, r, c(1));
              r = arith::AddFOp::create(b, l, r, c(2));
              return {convertFloat(b, l, r, elem)};
            })
            .getResult(0);
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void populateNormalizationToLinalgPatterns(TypeConverter &typeConverter,
                                           RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering, LayerNormLowering, SoftmaxLowering<LogSoftmaxOp>,
               SoftmaxLowering<SoftmaxOp>>(typeConverter, patterns.getContext());
}

} // namespace kiln
