//===- DataMovementToLinalg.cpp - data movement kiln ops -> tensor / linalg ===//
//
// Ops that move elements without computing on them, following
// lib/interp/DataMovementKernels.cpp:
//   constant      => arith.constant (same attribute; quantized / unsigned: storage type)
//   reshape       => tensor.collapse_shape / expand_shape (both, through 1-D, when the
//                    reshape is neither a pure collapse nor a pure expansion)
//   transpose     => linalg.transpose
//   broadcast_to  => collapse the broadcast unit dims, then linalg.broadcast
//   concat        => tensor.empty + one tensor.insert_slice per input
//   slice         => tensor.extract_slice (steps > 0); linalg.generic reading
//                    x[start + step * i] when a step is negative
//   gather        => linalg.generic over the result: tensor.extract of data at the
//                    normalized (i < 0 ? i + dim : i) and clamped index
//   pad           => tensor.pad (constant); linalg.generic + tensor.extract of the
//                    mirrored / clamped source index (reflect, edge)
//   split         => one tensor.extract_slice per result
//
//===----------------------------------------------------------------------------===//
#include "codegen/common/ElementSemantics.h"
#include "codegen/common/KilnToLinalg.h"
#include "codegen/common/LinalgBuilders.h"

#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>

using namespace mlir;
using namespace kiln::codegen;

namespace kiln {
namespace {

RankedTensorType convertTensorType(const TypeConverter *converter, Type t) {
  return cast<RankedTensorType>(converter->convertType(t));
}

//===----------------------------------------------------------------------------===//
// constant
//===----------------------------------------------------------------------------===//

/// kiln.constant V : T  =>  arith.constant V' : convert(T), where V' is V retyped to
/// the storage type (same bits) when the element type changes (quantized, uiN).
struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = convertTensorType(getTypeConverter(), op.getType());
    ElementsAttr value = op.getValue();
    if (value.getType() != type) {
      if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
        // Same width, integer to integer: a reinterpretation of the bits.
        value = dense.bitcast(type.getElementType());
      } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
        value = DenseResourceElementsAttr::get(type, resource.getRawHandle());
      } else {
        return rewriter.notifyMatchFailure(op, "unsupported constant attribute kind");
      }
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type, cast<TypedAttr>(value));
    return success();
  }
};

//===----------------------------------------------------------------------------===//
// reshape, transpose, broadcast_to
//===----------------------------------------------------------------------------===//

/// `value` reshaped (row-major) to `type`: one collapse_shape or expand_shape when
/// that expresses it, else collapse to 1-D then expand.
Value reshapeTo(OpBuilder &b, Location loc, Value value, RankedTensorType type) {
  auto source = cast<RankedTensorType>(value.getType());
  if (source == type) {
    return value;
  }
  if (std::optional<SmallVector<ReassociationIndices>> reassociation =
          getReassociationIndicesForReshape(source, type)) {
    if (source.getRank() > type.getRank()) {
      return tensor::CollapseShapeOp::create(b, loc, type, value, *reassociation);
    }
    if (source.getRank() < type.getRank()) {
      return tensor::ExpandShapeOp::create(b, loc, type, value, *reassociation);
    }
  }
  // Through the flat vector: [a, b, c] -> [a*b*c] -> result.
  int64_t n = source.getNumElements();
  auto flatType = RankedTensorType::get({n}, source.getElementType());
  Value flat = reshapeTo(b, loc, value, flatType);
  return reshapeTo(b, loc, flat, type);
}

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = convertTensorType(getTypeConverter(), op.getType());
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), adaptor.getInput(), type));
    return success();
  }
};

/// kiln.transpose x permutation = p => linalg.transpose x permutation = p (both say
/// result dim i is input dim p[i]).
struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = convertTensorType(getTypeConverter(), op.getType());
    Value init = createEmptyTensor(rewriter, op.getLoc(), type.getShape(),
                                   type.getElementType());
    auto transpose = linalg::TransposeOp::create(rewriter, op.getLoc(), adaptor.getInput(),
                                                 init, op.getPermutation());
    rewriter.replaceOp(op, transpose.getResult());
    return success();
  }
};

/// broadcast_to x : [1, 3] -> [2, 4, 3]
///   => linalg.broadcast (collapse x to [3]) dimensions = [0, 1]
/// (linalg.broadcast only adds dims, so the stretched unit dims are collapsed first).
struct BroadcastToLowering : OpConversionPattern<BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(BroadcastToOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = convertTensorType(getTypeConverter(), op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    if (inputType == type) {
      rewriter.replaceOp(op, input);
      return success();
    }
    int64_t offset = type.getRank() - inputType.getRank();
    SmallVector<bool> keep;
    SmallVector<int64_t> added;
    for (int64_t d = 0; d < offset; ++d) {
      added.push_back(d);
    }
    for (int64_t d = 0; d < inputType.getRank(); ++d) {
      bool kept = inputType.getDimSize(d) == type.getDimSize(offset + d);
      keep.push_back(kept);
      if (!kept) {
        added.push_back(offset + d);
      }
    }
    Location loc = op.getLoc();
    Value collapsed = dropUnitDims(rewriter, loc, input, keep);
    Value init = createEmptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    auto broadcast = linalg::BroadcastOp::create(rewriter, loc, collapsed, init, added);
    rewriter.replaceOp(op, broadcast.getResult());
    return success();
  }
};

//===----------------------------------------------------------------------------===//
// concat, slice, split
//===----------------------------------------------------------------------------===//

/// concat(x_0, ..., x_n) along a => insert_slice x_i into tensor.empty at offset
/// sum_{j < i} dim(x_j, a).
struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = convertTensorType(getTypeConverter(), op.getType());
    ValueRange inputs = adaptor.getInputs();
    if (inputs.size() == 1) {
      rewriter.replaceOp(op, inputs.front());
      return success();
    }
    Location loc = op.getLoc();
    auto axis = static_cast<int64_t>(op.getAxis());
    Value result = createEmptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    int64_t offset = 0;
    for (Value input : inputs) {
      auto inputType = cast<RankedTensorType>(input.getType());
      int64_t size = inputType.getDimSize(axis);
      if (size == 0) {
        continue;
      }
      SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
      offsets[axis] = offset;
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result, ValueRange{},
                                             ValueRange{}, ValueRange{}, offsets,
                                             inputType.getShape(), strides);
      offset += size;
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// slice x starts = s ends = e steps = k:
///   every k > 0  => tensor.extract_slice x[s][size(result)][k]
///   some k < 0   => linalg.generic: out[i] = x[s + k * i] (the affine map reads
///                   backwards along the negative-step dims)
struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = convertTensorType(getTypeConverter(), op.getType());
    Location loc = op.getLoc();
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    Value input = adaptor.getInput();
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(
          op, createEmptyTensor(rewriter, loc, type.getShape(), type.getElementType()));
      return success();
    }
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      auto slice = tensor::ExtractSliceOp::create(rewriter, loc, type, input, ValueRange{},
                                                  ValueRange{}, ValueRange{}, starts,
                                                  type.getShape(), steps);
      rewriter.replaceOp(op, slice.getResult());
      return success();
    }
    // Negative steps: first the box the slice covers (so that linalg's shape inference,
    // which equates a loop with any operand dim indexed by that loop alone, sees equal
    // sizes), then a generic reading it backwards:
    //   box[d] = [lo_d, hi_d],  out[i] = box[(start - lo) + i * step]
    unsigned rank = static_cast<unsigned>(type.getRank());
    SmallVector<int64_t> lows, boxSizes, ones(rank, 1);
    for (unsigned d = 0; d < rank; ++d) {
      int64_t last = starts[d] + (type.getDimSize(d) - 1) * steps[d];
      lows.push_back(std::min(starts[d], last));
      boxSizes.push_back(std::max(starts[d], last) - lows.back() + 1);
    }
    auto boxType = RankedTensorType::get(boxSizes, type.getElementType());
    input = tensor::ExtractSliceOp::create(rewriter, loc, boxType, input, ValueRange{},
                                           ValueRange{}, ValueRange{}, lows, boxSizes, ones);
    SmallVector<AffineExpr> exprs;
    for (unsigned d = 0; d < rank; ++d) {
      exprs.push_back(rewriter.getAffineConstantExpr(starts[d] - lows[d]) +
                      rewriter.getAffineDimExpr(d) * steps[d]);
    }
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, exprs, getContext()),
                                   rewriter.getMultiDimIdentityMap(rank)};
    Value init = createEmptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{input}, ValueRange{init}, maps,
        getParallelIterators(rank), [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, args[0]);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// split x along a sizes = [n_0, ...] => result i = extract_slice at offset
/// sum_{j < i} n_j along a.
struct SplitLowering : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto axis = static_cast<int64_t>(op.getAxis());
    Value input = adaptor.getInput();
    int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
    SmallVector<Value> results;
    int64_t offset = 0;
    for (Value result : op.getOutputs()) {
      RankedTensorType type = convertTensorType(getTypeConverter(), result.getType());
      SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
      offsets[axis] = offset;
      results.push_back(tensor::ExtractSliceOp::create(rewriter, loc, type, input,
                                                       ValueRange{}, ValueRange{},
                                                       ValueRange{}, offsets,
                                                       type.getShape(), strides));
      offset += type.getDimSize(axis);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

//===----------------------------------------------------------------------------===//
// gather
//===----------------------------------------------------------------------------===//

/// gather data, indices axis = a:
///   out[o..., j..., i...] = data[o..., clamp(norm(indices[j...])), i...]
/// with norm(k) = k < 0 ? k + dim : k. The interpreter rejects indices outside
/// [-dim, dim); compiled code clamps them instead of reading out of bounds.
struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = convertTensorType(getTypeConverter(), op.getType());
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    auto axis = static_cast<int64_t>(op.getAxis());
    int64_t q = indicesType.getRank(), rank = type.getRank();
    int64_t dim = dataType.getDimSize(axis);
    SmallVector<AffineExpr> indexExprs;
    for (int64_t j = 0; j < q; ++j) {
      indexExprs.push_back(rewriter.getAffineDimExpr(static_cast<unsigned>(axis + j)));
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(static_cast<unsigned>(rank), 0, indexExprs, getContext()),
        rewriter.getMultiDimIdentityMap(static_cast<unsigned>(rank))};
    Value init = createEmptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{indices}, ValueRange{init}, maps,
        getParallelIterators(static_cast<unsigned>(rank)),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value k = arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value size = arith::ConstantIndexOp::create(b, l, dim);
          Value last = arith::ConstantIndexOp::create(b, l, dim - 1);
          Value negative = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, k, zero);
          k = arith::SelectOp::create(b, l, negative, arith::AddIOp::create(b, l, k, size), k);
          k = arith::MaxSIOp::create(b, l, k, zero);
          k = arith::MinSIOp::create(b, l, k, last);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < axis; ++d) {
            coords.push_back(linalg::IndexOp::create(b, l, d));
          }
          coords.push_back(k);
          for (int64_t d = axis + q; d < rank; ++d) {
            coords.push_back(linalg::IndexOp::create(b, l, d));
          }
          Value v = tensor::ExtractOp::create(b, l, data, coords);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------------===//
// pad
//===----------------------------------------------------------------------------===//

/// The pad value as the interpreter stores it into an element of kiln type `t`:
/// rounded to a float type; for integers (and quantized storage) truncated toward zero
/// and wrapped to the width (NaN gives 0).
TypedAttr getPadValueAttr(OpBuilder &b, double v, Type t) {
  Type storage = getStorageType(t);
  if (isa<FloatType>(storage)) {
    return b.getFloatAttr(storage, v);
  }
  int64_t iv = 0;
  if (!std::isnan(v)) {
    double truncated = std::trunc(v);
    if (truncated >= 9223372036854775808.0) {
      iv = truncated >= 18446744073709551616.0
               ? int64_t(-1)
               : static_cast<int64_t>(static_cast<uint64_t>(truncated));
    } else if (truncated < -9223372036854775808.0) {
      iv = std::numeric_limits<int64_t>::min();
    } else {
      iv = static_cast<int64_t>(truncated);
    }
  }
  APInt value(storage.getIntOrFloatBitWidth(), static_cast<uint64_t>(iv),
              /*isSigned=*/false, /*implicitTrunc=*/true);
  return b.getIntegerAttr(storage, value);
}

/// Source index along a dim of size `dim` for output position `i` (loop index) with
/// `before` leading pads:
///   edge:    clamp(i - before, 0, dim - 1)
///   reflect: j = i - before; p = 2 (dim - 1); m = ((j mod p) + p) mod p;
///            m < dim ? m : p - m          (dim == 1: 0)
Value buildPadSourceIndex(OpBuilder &b, Location loc, Value i, int64_t before, int64_t dim,
                          PadMode mode) {
  Value j = arith::SubIOp::create(b, loc, i, arith::ConstantIndexOp::create(b, loc, before));
  if (mode == PadMode::edge || dim == 1) {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value last = arith::ConstantIndexOp::create(b, loc, dim - 1);
    return arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, j, zero), last);
  }
  Value period = arith::ConstantIndexOp::create(b, loc, 2 * (dim - 1));
  Value m = arith::RemSIOp::create(b, loc, j, period);
  m = arith::RemSIOp::create(b, loc, arith::AddIOp::create(b, loc, m, period), period);
  Value size = arith::ConstantIndexOp::create(b, loc, dim);
  Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, m, size);
  return arith::SelectOp::create(b, loc, inside, m, arith::SubIOp::create(b, loc, period, m));
}

/// pad x pads = [b..., e...]:
///   constant      => tensor.pad x low = b high = e { tensor.yield value }
///   reflect, edge => linalg.generic: out[i...] = x[source(i)...] (buildPadSourceIndex)
struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(PadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = convertTensorType(getTypeConverter(), op.getType());
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = inputType.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    if (llvm::all_of(pads, [](int64_t p) { return p == 0; })) {
      rewriter.replaceOp(op, input);
      return success();
    }
    ArrayRef<int64_t> low = pads.take_front(rank), high = pads.drop_front(rank);
    if (op.getMode() == PadMode::constant) {
      TypedAttr valueAttr = getPadValueAttr(
          rewriter, op.getValue().convertToDouble(),
          cast<RankedTensorType>(op.getInput().getType()).getElementType());
      Value value = arith::ConstantOp::create(rewriter, loc, valueAttr);
      auto pad = tensor::PadOp::create(rewriter, loc, type, input,
                                       getAsIndexOpFoldResult(getContext(), low),
                                       getAsIndexOpFoldResult(getContext(), high), value);
      rewriter.replaceOp(op, pad.getResult());
      return success();
    }
    PadMode mode = op.getMode();
    Value init = createEmptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(static_cast<unsigned>(rank))},
        getParallelIterators(static_cast<unsigned>(rank)),
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, l, d);
            if (low[d] == 0 && high[d] == 0) {
              coords.push_back(i);
              continue;
            }
            coords.push_back(
                buildPadSourceIndex(b, l, i, low[d], inputType.getDimSize(d), mode));
          }
          Value v = tensor::ExtractOp::create(b, l, input, coords);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateDataMovementToLinalgPatterns(TypeConverter &typeConverter,
                                          RewritePatternSet &patterns) {
  patterns.add<BroadcastToLowering, ConcatLowering, ConstantLowering, GatherLowering,
               PadLowering, ReshapeLowering, SliceLowering, SplitLowering,
               TransposeLowering>(typeConverter, patterns.getContext());
}

} // namespace kiln
