//===- ContractionToLinalg.cpp - matmul and conv2d -> linalg --------------===//
//
// Contractions following lib/interp/ContractionKernels.cpp. Every operand contributes
//   float:           extf(x) to the accumulator type
//   i8 / ui8 / quant: ext(x) - zp to i32 (sign or zero extension by the storage's
//                    signedness; zp per tensor, or per axis along one operand dim)
// and the result is acc + sum_k lhs_k * rhs_k in the accumulator: f32 for f16 / bf16
// (truncated once at the end), the float type for f32 / f64, i32 for integers.
//
// The lowering picks a named op whenever one has exactly these semantics:
//   float, or both integer operands of one signedness without zero points
//       => linalg.matmul / batch_matmul (indexing_maps for transposes and a batch-less
//          operand; cast = cast_unsigned for unsigned operands),
//          linalg.conv_2d_nchw_fchw / depthwise_conv_2d_nchw_chw / conv_2d_ngchw_gfchw
//          (signed only: the named convolutions always sign-extend)
//   both signed, per-tensor zero points
//       => linalg.quantized_matmul / quantized_batch_matmul (no transposes),
//          linalg.conv_2d_nchw_fchw_q / conv_2d_ngchw_gfchw_q
// and a linalg.generic with the same iteration space otherwise (unsigned or mixed
// signedness with zero points, per-axis zero points, partially broadcast batch dims).
//
//   matmul a, b (batch B)   => loops (B..., m, n, k); a batch-less rhs with a full-
//                              batch lhs folds the batch into M: [B*M, K] x [K, N]
//   conv2d x, w, bias       => init = broadcast(bias) (or fill 0); x padded with its
//                              zero point (padding contributes 0); groups > 1 reshape
//                              x, w and the result to (N, G, C/G, ...), (G, O/G, ...)
//
//===----------------------------------------------------------------------------===//
#include "codegen/common/ElementSemantics.h"
#include "codegen/common/KernelInfo.h"
#include "codegen/common/KilnToLinalg.h"
#include "codegen/common/LinalgBuilders.h"

#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace kiln::codegen;

namespace kiln {
namespace {

//===----------------------------------------------------------------------------===//
// Operand contributions
//===----------------------------------------------------------------------------===//

/// What one operand contributes to a contraction (see the file comment).
struct ContractionOperand {
  Type kilnType;
  bool isFloat = false;
  bool isUnsigned = false;
  /// Per-tensor zero point (0 without one).
  int64_t zeroPoint = 0;
  /// Per-axis zero points along operand dim `zeroPointAxis` (empty if per tensor or
  /// if every channel has the same zero point, which then is `zeroPoint`).
  SmallVector<int64_t> zeroPoints;
  int64_t zeroPointAxis = -1;

  bool hasZeroPoint() const { return zeroPoint != 0 || !zeroPoints.empty(); }
};

ContractionOperand getContractionOperand(Value original) {
  ContractionOperand info;
  info.kilnType = cast<RankedTensorType>(original.getType()).getElementType();
  info.isFloat = isa<FloatType>(info.kilnType);
  info.isUnsigned = isUnsignedInteger(info.kilnType);
  if (auto q = dyn_cast<quant::UniformQuantizedType>(info.kilnType)) {
    info.zeroPoint = q.getZeroPoint();
  } else if (auto q = dyn_cast<quant::UniformQuantizedPerAxisType>(info.kilnType)) {
    ArrayRef<int64_t> zps = q.getZeroPoints();
    if (llvm::all_equal(zps)) {
      info.zeroPoint = zps.empty() ? 0 : zps.front();
    } else {
      info.zeroPoints.assign(zps.begin(), zps.end());
      info.zeroPointAxis = q.getQuantizedDimension();
    }
  }
  return info;
}

/// Which named ops can express a contraction of two operands.
enum class ContractionKind {
  Float,           ///< float operands
  SignedInt,       ///< signed integers, no zero points
  UnsignedInt,     ///< unsigned integers, no zero points
  QuantizedSigned, ///< signed integers, per-tensor zero points
  General,         ///< anything else: linalg.generic only
};

ContractionKind classify(const ContractionOperand &a, const ContractionOperand &b) {
  if (a.isFloat) {
    return ContractionKind::Float;
  }
  if (!a.zeroPoints.empty() || !b.zeroPoints.empty() || a.isUnsigned != b.isUnsigned) {
    return ContractionKind::General;
  }
  bool zeroPoints = a.hasZeroPoint() || b.hasZeroPoint();
  if (a.isUnsigned) {
    return zeroPoints ? ContractionKind::General : ContractionKind::UnsignedInt;
  }
  return zeroPoints ? ContractionKind::QuantizedSigned : ContractionKind::SignedInt;
}

/// The value `x` (storage element) contributes in accumulator type `acc`; `zp` is the
/// i32 zero point (null for none).
Value buildContribution(OpBuilder &b, Location loc, Value x, const ContractionOperand &info,
                        Type acc, Value zp) {
  if (info.isFloat) {
    return convertFloat(b, loc, x, acc);
  }
  Value v = extendOrTruncInt(b, loc, x, info.kilnType, acc);
  if (zp) {
    v = arith::SubIOp::create(b, loc, v, zp);
  }
  return v;
}

/// acc + a * b in the accumulator type.
Value buildMultiplyAdd(OpBuilder &b, Location loc, Value a, Value c, Value acc) {
  if (isa<FloatType>(acc.getType())) {
    return arith::AddFOp::create(b, loc, acc, arith::MulFOp::create(b, loc, a, c));
  }
  return arith::AddIOp::create(b, loc, acc, arith::MulIOp::create(b, loc, a, c));
}

/// Generic contraction: `lhs` and `rhs` read through `lhsMap` / `rhsMap`, accumulated
/// into `init` through `outMap`. Per-axis zero points are constant i32 tensors read
/// through the loop that walks their operand dim (`lhsAxisLoop` / `rhsAxisLoop`, the
/// result of the operand's map at its zero-point axis).
Value createGenericContraction(OpBuilder &b, Location loc, Value lhs, Value rhs, Value init,
                               AffineMap lhsMap, AffineMap rhsMap, AffineMap outMap,
                               ArrayRef<utils::IteratorType> iterators,
                               const ContractionOperand &lhsInfo,
                               const ContractionOperand &rhsInfo) {
  Type acc = cast<RankedTensorType>(init.getType()).getElementType();
  Type i32 = b.getI32Type();
  SmallVector<Value> inputs = {lhs, rhs};
  SmallVector<AffineMap> maps = {lhsMap, rhsMap};
  // Zero-point tensor inputs follow the operands: index 2 (lhs) and 2 or 3 (rhs).
  auto addZeroPoints = [&](const ContractionOperand &info, AffineMap map) -> int {
    if (info.zeroPoints.empty()) {
      return -1;
    }
    SmallVector<int32_t> values(info.zeroPoints.begin(), info.zeroPoints.end());
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, i32);
    inputs.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, ArrayRef<int32_t>(values))));
    maps.push_back(AffineMap::get(map.getNumDims(), 0, map.getResult(info.zeroPointAxis)));
    return static_cast<int>(inputs.size()) - 1;
  };
  int lhsZp = addZeroPoints(lhsInfo, lhsMap);
  int rhsZp = addZeroPoints(rhsInfo, rhsMap);
  maps.push_back(outMap);
  return createGenericOp(
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) -> SmallVector<Value> {
               auto zeroPoint = [&](const ContractionOperand &info, int index) -> Value {
                 if (info.isFloat) {
                   return nullptr;
                 }
                 if (index >= 0) {
                   return args[index];
                 }
                 return info.zeroPoint != 0 ? createIntConstant(nb, l, i32, info.zeroPoint)
                                            : nullptr;
               };
               Value a = buildContribution(nb, l, args[0], lhsInfo, acc,
                                           zeroPoint(lhsInfo, lhsZp));
               Value c = buildContribution(nb, l, args[1], rhsInfo, acc,
                                           zeroPoint(rhsInfo, rhsZp));
               return {buildMultiplyAdd(nb, l, a, c, args.back())};
             })
      .getResult(0);
}

/// Rounds an f32 accumulator tensor to the result's f16 / bf16 (no-op otherwise).
Value roundAccumulator(OpBuilder &b, Location loc, Value acc, Type storage) {
  if (cast<RankedTensorType>(acc.getType()).getElementType() == storage) {
    return acc;
  }
  return createMapOp(b, loc, acc, storage,
                     [&](OpBuilder &nb, Location l, ValueRange args) -> SmallVector<Value> {
                       return {convertFloat(nb, l, args[0], storage)};
                     });
}

/// The accumulator type of a contraction with result element `storage`.
Type getAccumulatorType(Type storage) {
  return isa<FloatType>(storage) ? getComputeType(storage) : storage;
}

/// Sets `indexing_maps` on a named matmul-like op when `maps` are not its defaults
/// (transposed or batch-less operands). The region does not depend on the maps.
void setIndexingMaps(OpBuilder &b, Operation *op, ArrayRef<AffineMap> maps,
                     ArrayRef<AffineMap> defaults) {
  if (maps == defaults) {
    return;
  }
  SmallVector<Attribute> attrs;
  for (AffineMap m : maps) {
    attrs.push_back(AffineMapAttr::get(m));
  }
  op->setAttr("indexing_maps", b.getArrayAttr(attrs));
}

/// `cast = cast_unsigned` for unsigned operands (zero extension); nothing otherwise
/// (the default, cast_signed, is extf for floats and extsi for integers).
SmallVector<NamedAttribute> getCastAttributes(OpBuilder &b, ContractionKind kind) {
  if (kind != ContractionKind::UnsignedInt) {
    return {};
  }
  return {b.getNamedAttr("cast", linalg::TypeFnAttr::get(b.getContext(),
                                                         linalg::TypeFn::cast_unsigned))};
}

//===----------------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------------===//

/// matmul a, b [transpose_a] [transpose_b] (see the file comment).
struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    ContractionOperand lhsInfo = getContractionOperand(op.getLhs());
    ContractionOperand rhsInfo = getContractionOperand(op.getRhs());
    ContractionKind kind = classify(lhsInfo, rhsInfo);
    bool ta = op.getTransposeA(), tb = op.getTransposeB();
    Type storage = type.getElementType();
    Type acc = getAccumulatorType(storage);
    ArrayRef<int64_t> shape = type.getShape();
    int64_t nb = type.getRank() - 2;
    ArrayRef<int64_t> batchShape = shape.take_front(nb);

    // Batch dims of each operand: right-aligned with the result's; broadcast unit dims
    // are collapsed away (their per-axis zero points, if any, have one value).
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    SmallVector<int64_t> lhsLoops, rhsLoops;
    auto prepare = [&](Value v, ContractionOperand &info, SmallVector<int64_t> &loops) {
      auto t = cast<RankedTensorType>(v.getType());
      int64_t batch = t.getRank() - 2, offset = nb - batch;
      SmallVector<bool> keep;
      for (int64_t d = 0; d < batch; ++d) {
        bool kept = !(t.getDimSize(d) == 1 && batchShape[offset + d] != 1);
        keep.push_back(kept);
        if (kept) {
          loops.push_back(offset + d);
        }
      }
      keep.append({true, true});
      if (info.zeroPointAxis >= 0) {
        int64_t dropped = llvm::count(ArrayRef<bool>(keep).take_front(info.zeroPointAxis),
                                      false);
        info.zeroPointAxis -= dropped;
      }
      return dropUnitDims(rewriter, loc, v, keep);
    };
    lhs = prepare(lhs, lhsInfo, lhsLoops);
    rhs = prepare(rhs, rhsInfo, rhsLoops);
    bool lhsFull = static_cast<int64_t>(lhsLoops.size()) == nb;
    bool rhsFull = static_cast<int64_t>(rhsLoops.size()) == nb;
    bool canUseNamed = kind != ContractionKind::General &&
                       !(kind == ContractionKind::QuantizedSigned && (ta || tb));

    Value result;
    if (canUseNamed && (nb == 0 || (lhsFull && rhsLoops.empty() && !ta))) {
      // [B..., M, K] x [K, N]: fold the batch into M, one 2-D matmul.
      int64_t m = shape[nb], n = shape[nb + 1];
      int64_t rows = m;
      for (int64_t d : batchShape) {
        rows *= d;
      }
      auto lhsType = cast<RankedTensorType>(lhs.getType());
      auto flatLhsType = RankedTensorType::get({rows, lhsType.getShape().back()},
                                               lhsType.getElementType());
      Value flatLhs = lhs;
      if (nb > 0) {
        SmallVector<ReassociationIndices> groups(1);
        for (int64_t d = 0; d <= nb; ++d) {
          groups[0].push_back(d);
        }
        groups.push_back({nb + 1});
        flatLhs = tensor::CollapseShapeOp::create(rewriter, loc, flatLhsType, lhs, groups);
      }
      Value init =
          createFilledTensor(rewriter, loc, {rows, n}, acc, getZeroAttr(acc));
      Value flat = createMatmul2d(rewriter, loc, flatLhs, rhs, init, kind, lhsInfo,
                                  rhsInfo, ta, tb);
      result = nb > 0 ? insertBatch(rewriter, loc, flat, batchShape, m, n) : flat;
    } else if (canUseNamed && nb > 0 && (lhsFull || lhsLoops.empty()) &&
               (rhsFull || rhsLoops.empty()) && !(lhsLoops.empty() && rhsLoops.empty()) &&
               // linalg.batch_matmul accepts a batch-less operand only untransposed.
               !(lhsLoops.empty() && ta) && !(rhsLoops.empty() && tb) &&
               kind != ContractionKind::QuantizedSigned) {
      // One batch dim (the result's batch dims collapsed): linalg.batch_matmul, a
      // batch-less operand read through a map without the batch loop.
      int64_t batch = 1;
      for (int64_t d : batchShape) {
        batch *= d;
      }
      auto collapseBatch = [&](Value v, bool full) -> Value {
        if (!full || nb == 1) {
          return v;
        }
        auto t = cast<RankedTensorType>(v.getType());
        SmallVector<ReassociationIndices> groups(1);
        for (int64_t d = 0; d < nb; ++d) {
          groups[0].push_back(d);
        }
        groups.push_back({nb});
        groups.push_back({nb + 1});
        auto collapsed = RankedTensorType::get(
            {batch, t.getDimSize(nb), t.getDimSize(nb + 1)}, t.getElementType());
        return tensor::CollapseShapeOp::create(rewriter, loc, collapsed, v, groups);
      };
      Value lhs3 = collapseBatch(lhs, lhsFull), rhs3 = collapseBatch(rhs, rhsFull);
      int64_t m = shape[nb], n = shape[nb + 1];
      Value init = createFilledTensor(rewriter, loc, {batch, m, n}, acc, getZeroAttr(acc));
      AffineExpr bd, md, nd, kd;
      bindDims(ctx, bd, md, nd, kd);
      auto operandMap = [&](bool full, bool transposed, AffineExpr row, AffineExpr col) {
        SmallVector<AffineExpr> exprs;
        if (full) {
          exprs.push_back(bd);
        }
        exprs.push_back(transposed ? col : row);
        exprs.push_back(transposed ? row : col);
        return AffineMap::get(4, 0, exprs, ctx);
      };
      SmallVector<AffineMap> maps = {operandMap(lhsFull, ta, md, kd),
                                     operandMap(rhsFull, tb, kd, nd),
                                     AffineMap::get(4, 0, {bd, md, nd}, ctx)};
      auto batchMatmul = linalg::BatchMatmulOp::create(
          rewriter, loc, TypeRange{init.getType()}, ValueRange{lhs3, rhs3},
          ValueRange{init}, getCastAttributes(rewriter, kind));
      setIndexingMaps(rewriter, batchMatmul, maps,
                      linalg::BatchMatmulOp::getDefaultIndexingMaps(ctx));
      Value r = batchMatmul.getResult(0);
      result = nb > 1 ? insertBatch(rewriter, loc, r, batchShape, m, n, /*flatRows=*/false)
                      : r;
    } else if (kind == ContractionKind::QuantizedSigned && !ta && !tb && nb > 0 && lhsFull &&
               rhsFull) {
      // Both operands carry the whole batch: linalg.quantized_batch_matmul.
      int64_t batch = 1;
      for (int64_t d : batchShape) {
        batch *= d;
      }
      auto collapse3 = [&](Value v) -> Value {
        if (nb == 1) {
          return v;
        }
        auto t = cast<RankedTensorType>(v.getType());
        SmallVector<ReassociationIndices> groups(1);
        for (int64_t d = 0; d < nb; ++d) {
          groups[0].push_back(d);
        }
        groups.push_back({nb});
        groups.push_back({nb + 1});
        auto collapsed = RankedTensorType::get(
            {batch, t.getDimSize(nb), t.getDimSize(nb + 1)}, t.getElementType());
        return tensor::CollapseShapeOp::create(rewriter, loc, collapsed, v, groups);
      };
      int64_t m = shape[nb], n = shape[nb + 1];
      Value init = createFilledTensor(rewriter, loc, {batch, m, n}, acc, getZeroAttr(acc));
      Type i32 = rewriter.getI32Type();
      Value za = createIntConstant(rewriter, loc, i32, lhsInfo.zeroPoint);
      Value zb = createIntConstant(rewriter, loc, i32, rhsInfo.zeroPoint);
      Value r = linalg::QuantizedBatchMatmulOp::create(
                    rewriter, loc, TypeRange{init.getType()},
                    ValueRange{collapse3(lhs), collapse3(rhs), za, zb}, ValueRange{init})
                    .getResult(0);
      result = nb > 1 ? insertBatch(rewriter, loc, r, batchShape, m, n, /*flatRows=*/false)
                      : r;
    } else {
      // linalg.generic over (B..., m, n, k).
      unsigned loops = static_cast<unsigned>(nb + 3);
      AffineExpr m = rewriter.getAffineDimExpr(nb), n = rewriter.getAffineDimExpr(nb + 1),
                 k = rewriter.getAffineDimExpr(nb + 2);
      auto operandMap = [&](ArrayRef<int64_t> batchLoops, bool transposed, AffineExpr row,
                            AffineExpr col) {
        SmallVector<AffineExpr> exprs;
        for (int64_t l : batchLoops) {
          exprs.push_back(rewriter.getAffineDimExpr(l));
        }
        exprs.push_back(transposed ? col : row);
        exprs.push_back(transposed ? row : col);
        return AffineMap::get(loops, 0, exprs, ctx);
      };
      SmallVector<AffineExpr> outExprs;
      for (int64_t d = 0; d < nb; ++d) {
        outExprs.push_back(rewriter.getAffineDimExpr(d));
      }
      outExprs.append({m, n});
      Value init = createFilledTensor(rewriter, loc, shape, acc, getZeroAttr(acc));
      SmallVector<utils::IteratorType> iterators = getParallelIterators(loops);
      iterators.back() = utils::IteratorType::reduction;
      result = createGenericContraction(
          rewriter, loc, lhs, rhs, init, operandMap(lhsLoops, ta, m, k),
          operandMap(rhsLoops, tb, k, n), AffineMap::get(loops, 0, outExprs, ctx), iterators,
          lhsInfo, rhsInfo);
    }
    rewriter.replaceOp(op, roundAccumulator(rewriter, loc, result, storage));
    return success();
  }

  /// A 2-D matmul [M, K] x [K, N] (operands possibly transposed) into `init`.
  static Value createMatmul2d(OpBuilder &b, Location loc, Value lhs, Value rhs, Value init,
                              ContractionKind kind, const ContractionOperand &lhsInfo,
                              const ContractionOperand &rhsInfo, bool ta, bool tb) {
    MLIRContext *ctx = b.getContext();
    if (kind == ContractionKind::QuantizedSigned) {
      Type i32 = b.getI32Type();
      Value za = createIntConstant(b, loc, i32, lhsInfo.zeroPoint);
      Value zb = createIntConstant(b, loc, i32, rhsInfo.zeroPoint);
      return linalg::QuantizedMatmulOp::create(b, loc, TypeRange{init.getType()},
                                               ValueRange{lhs, rhs, za, zb},
                                               ValueRange{init})
          .getResult(0);
    }
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    SmallVector<AffineMap> maps = {
        AffineMap::get(3, 0, ta ? ArrayRef<AffineExpr>{k, m} : ArrayRef<AffineExpr>{m, k},
                       ctx),
        AffineMap::get(3, 0, tb ? ArrayRef<AffineExpr>{n, k} : ArrayRef<AffineExpr>{k, n},
                       ctx),
        AffineMap::get(3, 0, {m, n}, ctx)};
    auto matmul = linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                           ValueRange{lhs, rhs}, ValueRange{init},
                                           getCastAttributes(b, kind));
    setIndexingMaps(b, matmul, maps, linalg::MatmulOp::getDefaultIndexingMaps(ctx));
    return matmul.getResult(0);
  }

  /// Expands a matmul result back to [B..., M, N]: from [B*M, N] (flatRows) or from
  /// [prod(B), M, N].
  static Value insertBatch(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> batchShape,
                           int64_t m, int64_t n, bool flatRows = true) {
    auto t = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(batchShape);
    shape.append({m, n});
    int64_t nb = static_cast<int64_t>(batchShape.size());
    SmallVector<ReassociationIndices> groups(1);
    for (int64_t d = 0; d < nb; ++d) {
      groups[0].push_back(d);
    }
    if (flatRows) {
      groups[0].push_back(nb);
    } else {
      groups.push_back({nb});
    }
    groups.push_back({nb + 1});
    auto expanded = RankedTensorType::get(shape, t.getElementType());
    return tensor::ExpandShapeOp::create(b, loc, expanded, v, groups);
  }
};

//===----------------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------------===//

/// conv2d x, w, [bias] (see the file comment).
struct Conv2dLowering : OpConversionPattern<Conv2dOp> {
  Conv2dLowering(const TypeConverter &typeConverter, MLIRContext *ctx, bool im2col)
      : OpConversionPattern(typeConverter, ctx), im2col(im2col) {}

  bool im2col; // f32 at batch 1 as im2col + matmul (the CPU's choice)

  LogicalResult matchAndRewrite(Conv2dOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    ContractionOperand inInfo = getContractionOperand(op.getInput());
    ContractionOperand wInfo = getContractionOperand(op.getWeight());
    ContractionKind kind = classify(inInfo, wInfo);
    Type storage = type.getElementType();
    Type acc = getAccumulatorType(storage);
    Type i32 = rewriter.getI32Type();
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                      dilations = op.getDilations();
    auto groups = static_cast<int64_t>(op.getGroups());
    Value x = adaptor.getInput(), w = adaptor.getWeight();
    auto xType = cast<RankedTensorType>(x.getType());
    auto wType = cast<RankedTensorType>(w.getType());
    int64_t batch = xType.getDimSize(0), channels = xType.getDimSize(1);
    int64_t outChannels = wType.getDimSize(0), perGroup = wType.getDimSize(1);
    int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);
    SmallVector<int64_t> outHW(type.getShape().drop_front(2));
    int64_t oh = outHW[0], ow = outHW[1];

    // f32 at batch 1 runs as im2col + matmul (below), which reads the unpadded input.
    // The 2^30 bounds keep its i32 index arithmetic exact.
    bool useIm2col = im2col && groups == 1 && kind == ContractionKind::Float && acc == storage &&
                     batch == 1 && channels * kh * kw < (int64_t(1) << 30) &&
                     oh * ow < (int64_t(1) << 30) &&
                     xType.getDimSize(2) + kh * dilations[0] < (int64_t(1) << 30) &&
                     xType.getDimSize(3) + kw * dilations[1] < (int64_t(1) << 30);

    // Other forms pad with the input's zero point: padded taps contribute zp - zp = 0.
    Type xStorage = xType.getElementType();
    TypedAttr padAttr = inInfo.isFloat
                            ? TypedAttr(FloatAttr::get(xStorage, 0.0))
                            : TypedAttr(IntegerAttr::get(
                                  xStorage, APInt(xStorage.getIntOrFloatBitWidth(),
                                                  static_cast<uint64_t>(inInfo.zeroPoint),
                                                  /*isSigned=*/false, /*implicitTrunc=*/true)));
    Value padded = useIm2col ? x
                             : padSpatialDims(rewriter, loc, x, outHW, {kh, kw}, strides,
                                              dilations, {pads[0], pads[1]}, padAttr);
    auto paddedType = cast<RankedTensorType>(padded.getType());
    Attribute stridesAttr = rewriter.getI64TensorAttr(strides);
    Attribute dilationsAttr = rewriter.getI64TensorAttr(dilations);

    // The accumulator starts as the bias broadcast over (N, ., OH, OW), or 0.
    Value bias = adaptor.getBias();
    if (bias && cast<RankedTensorType>(bias.getType()).getElementType() != acc) {
      bias = createMapOp(rewriter, loc, bias, acc,
                         [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
                           return {convertFloat(b, l, args[0], acc)};
                         });
    }
    auto makeInit = [&](ArrayRef<int64_t> shape, ArrayRef<int64_t> biasShape,
                        ArrayRef<int64_t> addedDims) -> Value {
      if (!bias) {
        return createFilledTensor(rewriter, loc, shape, acc, getZeroAttr(acc));
      }
      Value b = insertOrReshape(rewriter, loc, bias, biasShape);
      Value empty = createEmptyTensor(rewriter, loc, shape, acc);
      return linalg::BroadcastOp::create(rewriter, loc, b, empty, addedDims).getResult()[0];
    };
    bool signedNamed = kind == ContractionKind::Float || kind == ContractionKind::SignedInt;
    bool quantNamed = kind == ContractionKind::QuantizedSigned;

    Value result;
    if (useIm2col) {
      // f32 convolution at batch 1 as im2col + matmul, so that it runs on the CPU
      // matmul schedule (register-blocked FMAs) instead of seven nested loops:
      //   col[(c, i, j), (y, x)] = x[0, c, y * s0 - p0 + i * d0, x * s1 - p1 + j * d1]
      //                            (0 outside the input: the padding)
      //   out[f, (y, x)] = bias[f] + sum_r w[f, r] * col[r, (y, x)]
      // The col generic reads the unpadded input with tensor.extract at indices computed
      // from linalg.index, so tiling the matmul along (y, x) fuses a slice of it and
      // nothing (no padded copy) is left outside the tiles.
      int64_t taps = channels * kh * kw, pixels = oh * ow;
      int64_t height = xType.getDimSize(2), width = xType.getDimSize(3);
      // A pointwise convolution (1x1, stride 1, no padding) needs no im2col: the input
      // itself, seen as [C, H * W], is the matmul's B. (Through the im2col producer, each
      // element cost a division by the width and a gather: MobileNetV2's 1x1 layers ran
      // at half the speed of the same matmul.)
      bool pointwise = kh == 1 && kw == 1 && strides[0] == 1 && strides[1] == 1 &&
                       llvm::all_of(pads, [](int64_t p) { return p == 0; }) &&
                       oh == height && ow == width;
      auto colType = RankedTensorType::get({taps, pixels}, xStorage);
      auto buildColumns = [&]() -> Value {
        if (pointwise) {
          return tensor::CollapseShapeOp::create(
              rewriter, loc, colType, x, SmallVector<ReassociationIndices>{{0, 1}, {2, 3}});
        }
        Value colInit = createEmptyTensor(rewriter, loc, {taps, pixels}, xStorage);
        auto columns = linalg::GenericOp::create(
            rewriter, loc, TypeRange{colType}, ValueRange{}, ValueRange{colInit},
            SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(2)},
            getParallelIterators(2), [&](OpBuilder &b, Location l, ValueRange) {
              // The index arithmetic runs in i32 (every index of a real feature map fits;
              // checked below) so that LLVM can vectorize the loop: 64-bit vector division
              // by constants has no cheap x86 form and kept it scalar.
              Type i32 = b.getI32Type();
              auto cst = [&](int64_t v) {
                return arith::ConstantOp::create(b, l, b.getI32IntegerAttr(v)).getResult();
              };
              auto asI32 = [&](Value v) { return arith::IndexCastOp::create(b, l, i32, v); };
              auto asIndex = [&](Value v) {
                return arith::IndexCastOp::create(b, l, b.getIndexType(), v).getResult();
              };
              Value r = asI32(linalg::IndexOp::create(b, l, 0));
              Value p = asI32(linalg::IndexOp::create(b, l, 1));
              Value c = arith::DivUIOp::create(b, l, r, cst(kh * kw));
              Value tap = arith::RemUIOp::create(b, l, r, cst(kh * kw));
              Value i = arith::DivUIOp::create(b, l, tap, cst(kw));
              Value j = arith::RemUIOp::create(b, l, tap, cst(kw));
              Value y = arith::DivUIOp::create(b, l, p, cst(ow));
              Value xx = arith::RemUIOp::create(b, l, p, cst(ow));
              // Signed: the padding makes these negative at the top/left border.
              Value row = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, y, cst(strides[0])),
                  arith::SubIOp::create(b, l, arith::MulIOp::create(b, l, i, cst(dilations[0])),
                                        cst(pads[0])));
              Value column = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, xx, cst(strides[1])),
                  arith::SubIOp::create(b, l, arith::MulIOp::create(b, l, j, cst(dilations[1])),
                                        cst(pads[1])));
              auto inside = [&](Value v, int64_t size) {
                Value geZero = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, v, cst(0));
                Value ltSize =
                    arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, v, cst(size));
                return arith::AndIOp::create(b, l, geZero, ltSize);
              };
              Value valid = arith::AndIOp::create(b, l, inside(row, height), inside(column, width));
              auto clamp = [&](Value v, int64_t size) {
                return asIndex(arith::MinSIOp::create(
                    b, l, arith::MaxSIOp::create(b, l, v, cst(0)), cst(size - 1)));
              };
              Value v = tensor::ExtractOp::create(
                  b, l, x,
                  ValueRange{arith::ConstantIndexOp::create(b, l, 0), asIndex(c),
                             clamp(row, height), clamp(column, width)});
              Value zero = arith::ConstantOp::create(b, l, FloatAttr::get(xStorage, 0.0));
              linalg::YieldOp::create(b, l,
                                      arith::SelectOp::create(b, l, valid, v, zero).getResult());
            });
        // The geometry, for kiln-cpu-pack-contractions, which writes the columns as
        // vector row segments instead of one gather per element where it can.
        columns->setAttr(kIm2colAttr,
                         rewriter.getDenseI64ArrayAttr(
                             {channels, height, width, kh, kw, strides[0], strides[1],
                              dilations[0], dilations[1], pads[0], pads[1], oh, ow}));
        return columns.getResult(0);
      };
      Value colValue = buildColumns();
      auto w2Type = RankedTensorType::get({outChannels, taps}, wType.getElementType());
      Value w2 = tensor::CollapseShapeOp::create(
          rewriter, loc, w2Type, w, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
      Value init = makeInit({outChannels, pixels}, {outChannels}, {1});
      Value product = linalg::MatmulOp::create(rewriter, loc, TypeRange{init.getType()},
                                               ValueRange{w2, colValue},
                                               ValueRange{init})
                          .getResult(0);
      result = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(type.getShape(), acc), product,
          SmallVector<ReassociationIndices>{{0, 1}, {2, 3}});
    } else if (groups == 1 && (signedNamed || quantNamed)) {
      Value init = makeInit(type.getShape(), {outChannels}, {0, 2, 3});
      if (signedNamed) {
        result = linalg::Conv2DNchwFchwOp::create(rewriter, loc, TypeRange{init.getType()},
                                                  ValueRange{padded, w}, ValueRange{init},
                                                  stridesAttr, dilationsAttr)
                     .getResult(0);
      } else {
        Value zx = createIntConstant(rewriter, loc, i32, inInfo.zeroPoint);
        Value zw = createIntConstant(rewriter, loc, i32, wInfo.zeroPoint);
        result = linalg::Conv2DNchwFchwQOp::create(
                     rewriter, loc, TypeRange{init.getType()},
                     ValueRange{padded, w, zx, zw}, ValueRange{init}, stridesAttr,
                     dilationsAttr)
                     .getResult(0);
      }
    } else if (groups == channels && perGroup == 1 && outChannels == channels &&
               signedNamed) {
      // Depthwise, multiplier 1: w [C, 1, KH, KW] -> [C, KH, KW].
      Value init = makeInit(type.getShape(), {outChannels}, {0, 2, 3});
      auto dwType = RankedTensorType::get({channels, kh, kw}, wType.getElementType());
      Value dw = tensor::CollapseShapeOp::create(
          rewriter, loc, dwType, w, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
      result = linalg::DepthwiseConv2DNchwChwOp::create(
                   rewriter, loc, TypeRange{init.getType()}, ValueRange{padded, dw},
                   ValueRange{init}, stridesAttr, dilationsAttr)
                   .getResult(0);
    } else {
      // Grouped layout: x [N, G, C/G, H, W], w [G, O/G, C/G, KH, KW],
      // result [N, G, O/G, OH, OW].
      int64_t outPerGroup = outChannels / groups;
      auto gxType = RankedTensorType::get({batch, groups, perGroup, paddedType.getDimSize(2),
                                           paddedType.getDimSize(3)},
                                          paddedType.getElementType());
      Value gx = tensor::ExpandShapeOp::create(
          rewriter, loc, gxType, padded,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
      auto gwType = RankedTensorType::get({groups, outPerGroup, perGroup, kh, kw},
                                          wType.getElementType());
      Value gw = tensor::ExpandShapeOp::create(
          rewriter, loc, gwType, w, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
      SmallVector<int64_t> groupedShape = {batch, groups, outPerGroup, oh, ow};
      Value init = makeInit(groupedShape, {groups, outPerGroup}, {0, 3, 4});
      Value grouped;
      if (signedNamed) {
        grouped = linalg::Conv2DNgchwGfchwOp::create(
                      rewriter, loc, TypeRange{init.getType()}, ValueRange{gx, gw},
                      ValueRange{init}, stridesAttr, dilationsAttr)
                      .getResult(0);
      } else if (quantNamed) {
        Value zx = createIntConstant(rewriter, loc, i32, inInfo.zeroPoint);
        Value zw = createIntConstant(rewriter, loc, i32, wInfo.zeroPoint);
        grouped = linalg::Conv2DNgchwGfchwQOp::create(
                      rewriter, loc, TypeRange{init.getType()}, ValueRange{gx, gw, zx, zw},
                      ValueRange{init}, stridesAttr, dilationsAttr)
                      .getResult(0);
      } else {
        // loops (n, g, f, oh, ow, c, kh, kw)
        AffineExpr n, g, f, y, xx, c, i, j;
        bindDims(ctx, n, g, f, y, xx, c, i, j);
        AffineMap xMap = AffineMap::get(
            8, 0, {n, g, c, y * strides[0] + i * dilations[0], xx * strides[1] + j * dilations[1]},
            ctx);
        // A per-axis weight zero point along O is read through (g, f): its axis in the
        // grouped weight is dim 1 (f) after dim 0 (g), so it is reshaped to [G, O/G].
        AffineMap wMap = AffineMap::get(8, 0, {g, f, c, i, j}, ctx);
        AffineMap outMap = AffineMap::get(8, 0, {n, g, f, y, xx}, ctx);
        SmallVector<utils::IteratorType> iterators = getReductionIterators(8, {5, 6, 7});
        if (wInfo.zeroPointAxis == 0) {
          grouped = createGroupedZeroPointConv(rewriter, loc, gx, gw, init, xMap, wMap, outMap,
                                               iterators, inInfo, wInfo, groups);
        } else {
          // Per-axis along C/G, KH or KW: dims 2, 3, 4 of the grouped weight.
          if (wInfo.zeroPointAxis > 0) {
            wInfo.zeroPointAxis += 1;
          }
          grouped = createGenericContraction(rewriter, loc, gx, gw, init, xMap, wMap, outMap,
                                             iterators, inInfo, wInfo);
        }
      }
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get(type.getShape(), acc), grouped,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    }
    rewriter.replaceOp(op, roundAccumulator(rewriter, loc, result, storage));
    return success();
  }

  /// `v` (1-D) reshaped to `shape` with the same number of elements.
  static Value insertOrReshape(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getShape() == shape) {
      return v;
    }
    auto expanded = RankedTensorType::get(shape, t.getElementType());
    SmallVector<ReassociationIndices> groups(1);
    for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
      groups[0].push_back(d);
    }
    return tensor::ExpandShapeOp::create(b, loc, expanded, v, groups);
  }

  /// Generic grouped conv whose weight has per-output-channel zero points: they are an
  /// i32 [G, O/G] constant read through (g, f).
  static Value createGroupedZeroPointConv(OpBuilder &b, Location loc, Value gx, Value gw,
                                          Value init, AffineMap xMap, AffineMap wMap,
                                          AffineMap outMap,
                                          ArrayRef<utils::IteratorType> iterators,
                                          const ContractionOperand &inInfo,
                                          const ContractionOperand &wInfo, int64_t groups) {
    Type acc = cast<RankedTensorType>(init.getType()).getElementType();
    Type i32 = b.getI32Type();
    int64_t outPerGroup = static_cast<int64_t>(wInfo.zeroPoints.size()) / groups;
    SmallVector<int32_t> values(wInfo.zeroPoints.begin(), wInfo.zeroPoints.end());
    auto zpType = RankedTensorType::get({groups, outPerGroup}, i32);
    Value zps = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(zpType, ArrayRef<int32_t>(values)));
    AffineMap zpMap =
        AffineMap::get(8, 0, {wMap.getResult(0), wMap.getResult(1)}, b.getContext());
    return createGenericOp(
               b, loc, TypeRange{init.getType()}, ValueRange{gx, gw, zps}, ValueRange{init},
               {xMap, wMap, zpMap, outMap}, iterators,
               [&](OpBuilder &nb, Location l, ValueRange args) -> SmallVector<Value> {
                 Value zx = inInfo.zeroPoint != 0
                                ? createIntConstant(nb, l, i32, inInfo.zeroPoint)
                                : Value();
                 Value a = buildContribution(nb, l, args[0], inInfo, acc, zx);
                 Value c = buildContribution(nb, l, args[1], wInfo, acc, args[2]);
                 return {buildMultiplyAdd(nb, l, a, c, args[3])};
               })
        .getResult(0);
  }
};

} // namespace

void populateContractionToLinalgPatterns(TypeConverter &typeConverter,
                                         RewritePatternSet &patterns, bool convIm2col) {
  patterns.add<MatmulLowering>(typeConverter, patterns.getContext());
  patterns.add<Conv2dLowering>(typeConverter, patterns.getContext(), convIm2col);
}

} // namespace kiln
