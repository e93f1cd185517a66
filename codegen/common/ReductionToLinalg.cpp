//===- ReductionToLinalg.cpp - reduce and argmax -> linalg ----------------===//
//
// Reductions following lib/interp/ReductionKernels.cpp:
//   reduce k x axes = A  => linalg.reduce over A into an accumulator, then (mean, or an
//                           accumulator wider than the result) one map dividing by the
//                           count and rounding, then (keep_dims) an expand_shape
//   argmax x axis = a    => linalg.generic with two outputs (value, i64 index) and a
//                           reduction loop at a
// Accumulators: f32 for f16 / bf16 (the result is rounded once at the end), the
// element type for f32 / f64, the element type for integer sum / prod / max / min
// (wrapping modulo 2^width equals the interpreter's int64 result wrapped), and i64 for
// integer mean (trunc(sum / count) needs the exact sum).
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

/// Accumulator type of reduce kind `kind` on kiln element type `t`.
Type getAccumulatorType(ReduceKind kind, Type t) {
  if (isa<FloatType>(t)) {
    return getComputeType(t);
  }
  if (kind == ReduceKind::mean) {
    return IntegerType::get(t.getContext(), 64);
  }
  return getStorageType(t);
}

/// The reduction's initial value (its identity): 0, 1, -inf / the type's minimum,
/// +inf / the type's maximum.
TypedAttr getInitAttr(ReduceKind kind, Type acc, Type t) {
  if (isa<FloatType>(acc)) {
    switch (kind) {
    case ReduceKind::sum:
    case ReduceKind::mean:
      return FloatAttr::get(acc, 0.0);
    case ReduceKind::prod:
      return FloatAttr::get(acc, 1.0);
    case ReduceKind::max:
      return FloatAttr::get(acc, -std::numeric_limits<double>::infinity());
    case ReduceKind::min:
      return FloatAttr::get(acc, std::numeric_limits<double>::infinity());
    }
  }
  switch (kind) {
  case ReduceKind::sum:
  case ReduceKind::mean:
    return IntegerAttr::get(acc, 0);
  case ReduceKind::prod:
    return IntegerAttr::get(acc, 1);
  case ReduceKind::max:
    return IntegerAttr::get(acc, getIntegerMin(t));
  case ReduceKind::min:
    return IntegerAttr::get(acc, getIntegerMax(t));
  }
  llvm_unreachable("unknown reduce kind");
}

/// reduce k x axes = A [keep_dims]:
///   acc = linalg.reduce ins(x) outs(fill(init)) dimensions = A { acc (+|*|max|min) x }
///   y   = mean ? acc / count : acc, rounded / truncated to the element type
///   keep_dims: y = expand_shape y to the result shape (reduced dims of size 1)
struct ReduceLowering : OpConversionPattern<ReduceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type t = cast<RankedTensorType>(op.getInput().getType()).getElementType();
    ReduceKind kind = op.getKind();
    ArrayRef<int64_t> axes = op.getAxes();
    Type acc = getAccumulatorType(kind, t);
    SmallVector<int64_t> reducedShape = dropDims(inputType.getShape(), axes);
    Value init =
        createFilledTensor(rewriter, loc, reducedShape, acc, getInitAttr(kind, acc, t));
    auto reduce = linalg::ReduceOp::create(
        rewriter, loc, ValueRange{input}, ValueRange{init}, axes,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], a = args[1];
          x = isa<FloatType>(x.getType()) ? convertFloat(b, l, x, acc)
                                          : extendOrTruncInt(b, l, x, t, acc);
          Value r;
          bool isFloat = isa<FloatType>(acc);
          switch (kind) {
          case ReduceKind::sum:
          case ReduceKind::mean:
            r = isFloat ? Value(arith::AddFOp::create(b, l, a, x))
                        : Value(arith::AddIOp::create(b, l, a, x));
            break;
          case ReduceKind::prod:
            r = isFloat ? Value(arith::MulFOp::create(b, l, a, x))
                        : Value(arith::MulIOp::create(b, l, a, x));
            break;
          case ReduceKind::max:
            r = createMax(b, l, a, x, t);
            break;
          case ReduceKind::min:
            r = createMin(b, l, a, x, t);
            break;
          }
          linalg::YieldOp::create(b, l, r);
        });
    Value result = reduce.getResult(0);
    Type storage = type.getElementType();
    if (kind == ReduceKind::mean || acc != storage) {
      int64_t count = 1;
      for (int64_t axis : axes) {
        count *= inputType.getDimSize(axis);
      }
      result = createMapOp(
          rewriter, loc, result, storage,
          [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
            Value v = args[0];
            if (isa<FloatType>(acc)) {
              if (kind == ReduceKind::mean) {
                // The mean of an empty set is 0 / 0 = NaN, as in numpy.
                v = arith::DivFOp::create(
                    b, l, v, createFloatConstant(b, l, acc, static_cast<double>(count)));
              }
              return {convertFloat(b, l, v, storage)};
            }
            if (kind == ReduceKind::mean) {
              // trunc(sum / count); the interpreter rejects count == 0, and the
              // divisor max(count, 1) keeps compiled code from trapping.
              Value c = createIntConstant(b, l, acc, std::max<int64_t>(count, 1));
              v = isUnsignedInteger(t) ? Value(arith::DivUIOp::create(b, l, v, c))
                                       : Value(arith::DivSIOp::create(b, l, v, c));
            }
            return {extendOrTruncInt(b, l, v, t, storage)};
          });
    }
    rewriter.replaceOp(op, insertUnitDims(rewriter, loc, result, type.getShape()));
    return success();
  }
};

/// argmax x axis = a:
///   (v, i) = linalg.generic ins(x) outs(fill(lowest), fill(sentinel)), reduction at a:
///     better = v_new beats v or ties it on the preferred side by index
///     (v, i) = better ? (x, index(a)) : (v, i)
/// "Beats" orders NaN above every number (numpy returns the first NaN); ties go to the
/// smaller index, or the larger with select_last_index. Comparing indices makes the
/// result independent of the order in which the loop visits the axis; the initial
/// index (INT64_MAX, or -1 with select_last_index) loses every tie.
struct ArgmaxLowering : OpConversionPattern<ArgmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ArgmaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type t = cast<RankedTensorType>(op.getInput().getType()).getElementType();
    Type storage = inputType.getElementType();
    auto axis = static_cast<int64_t>(op.getAxis());
    bool last = op.getSelectLastIndex();
    auto rank = static_cast<unsigned>(inputType.getRank());
    SmallVector<int64_t> reducedShape = dropDims(inputType.getShape(), {axis});

    TypedAttr lowest = isa<FloatType>(storage)
                           ? TypedAttr(FloatAttr::get(
                                 storage, -std::numeric_limits<double>::infinity()))
                           : TypedAttr(IntegerAttr::get(storage, getIntegerMin(t)));
    Type i64 = rewriter.getI64Type();
    int64_t sentinel = last ? -1 : std::numeric_limits<int64_t>::max();
    Value valueInit = createFilledTensor(rewriter, loc, reducedShape, storage, lowest);
    Value indexInit =
        createFilledTensor(rewriter, loc, reducedShape, i64, IntegerAttr::get(i64, sentinel));
    AffineMap rowMap = getDropDimsMap(rank, {axis}, getContext());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank), rowMap, rowMap};
    auto generic = createGenericOp(
        rewriter, loc, TypeRange{valueInit.getType(), indexInit.getType()},
        ValueRange{input}, ValueRange{valueInit, indexInit}, maps,
        getReductionIterators(rank, {axis}),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value index = arith::IndexCastOp::create(b, l, i64, linalg::IndexOp::create(b, l, axis));
          Value tieWins = arith::CmpIOp::create(
              b, l, last ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt, index,
              bestIndex);
          Value better;
          if (isa<FloatType>(storage)) {
            Value xNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
            Value bestNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, best, best);
            Value greater = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, best);
            Value equal = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, x, best);
            // best is NaN: only a NaN winning the tie replaces it.
            Value vsNan = arith::AndIOp::create(b, l, xNan, tieWins);
            // best is a number: a NaN, a greater value, or an equal one winning the tie.
            Value vsNumber = arith::OrIOp::create(
                b, l, arith::OrIOp::create(b, l, xNan, greater),
                arith::AndIOp::create(b, l, equal, tieWins));
            better = arith::SelectOp::create(b, l, bestNan, vsNan, vsNumber);
          } else {
            bool isUnsigned = isUnsignedInteger(t);
            Value greater = arith::CmpIOp::create(
                b, l, isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt, x,
                best);
            Value equal = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, x, best);
            better = arith::OrIOp::create(b, l, greater,
                                          arith::AndIOp::create(b, l, equal, tieWins));
          }
          return {arith::SelectOp::create(b, l, better, x, best),
                  arith::SelectOp::create(b, l, better, index, bestIndex)};
        });
    rewriter.replaceOp(op, insertUnitDims(rewriter, loc, generic.getResult(1),
                                          type.getShape()));
    return success();
  }
};

} // namespace

void populateReductionToLinalgPatterns(TypeConverter &typeConverter,
                                       RewritePatternSet &patterns) {
  patterns.add<ArgmaxLowering, ReduceLowering>(typeConverter, patterns.getContext());
}

} // namespace kiln
