//===- LinalgBuilders.cpp - tensor and linalg building blocks -------------===//
//
// Destination tensors, broadcasting elementwise generics and unit-dim reshapes shared
// by the kiln -> linalg patterns.
//
//===----------------------------------------------------------------------------===//
#include "codegen/common/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace kiln::codegen {

Value createEmptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                        Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape, elementType);
}

Value createFilledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                         Type elementType, TypedAttr value) {
  Value empty = createEmptyTensor(b, loc, shape, elementType);
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

SmallVector<utils::IteratorType> getParallelIterators(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

SmallVector<utils::IteratorType> getReductionIterators(unsigned n,
                                                       ArrayRef<int64_t> reduced) {
  SmallVector<utils::IteratorType> iterators = getParallelIterators(n);
  for (int64_t d : reduced) {
    iterators[d] = utils::IteratorType::reduction;
  }
  return iterators;
}

AffineMap getDropDimsMap(unsigned n, ArrayRef<int64_t> dropped, MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d = 0; d < n; ++d) {
    if (!llvm::is_contained(dropped, static_cast<int64_t>(d))) {
      exprs.push_back(getAffineDimExpr(d, ctx));
    }
  }
  return AffineMap::get(n, 0, exprs, ctx);
}

SmallVector<int64_t> dropDims(ArrayRef<int64_t> shape, ArrayRef<int64_t> dropped) {
  SmallVector<int64_t> result;
  for (auto [d, size] : llvm::enumerate(shape)) {
    if (!llvm::is_contained(dropped, static_cast<int64_t>(d))) {
      result.push_back(size);
    }
  }
  return result;
}

linalg::GenericOp createGenericOp(OpBuilder &b, Location loc, TypeRange resultTypes,
                                  ValueRange inputs, ValueRange outputs,
                                  ArrayRef<AffineMap> maps,
                                  ArrayRef<utils::IteratorType> iterators,
                                  BodyBuilder body) {
  return linalg::GenericOp::create(b, loc, resultTypes, inputs, outputs, maps, iterators,
                                   [&](OpBuilder &nb, Location nloc, ValueRange args) {
                                     SmallVector<Value> results = body(nb, nloc, args);
                                     linalg::YieldOp::create(nb, nloc, results);
                                   });
}

SmallVector<ReassociationIndices> getDropDimsReassociation(ArrayRef<bool> keep) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (auto [d, kept] : llvm::enumerate(keep)) {
    pending.push_back(static_cast<int64_t>(d));
    if (kept) {
      groups.push_back(pending);
      pending.clear();
    }
  }
  if (!pending.empty() && !groups.empty()) {
    groups.back().append(pending.begin(), pending.end());
  }
  return groups;
}

Value dropUnitDims(OpBuilder &b, Location loc, Value value, ArrayRef<bool> keep) {
  if (llvm::all_of(keep, [](bool k) { return k; })) {
    return value;
  }
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (auto [d, kept] : llvm::enumerate(keep)) {
    if (kept) {
      shape.push_back(type.getDimSize(d));
    } else {
      assert(type.getDimSize(d) == 1 && "only unit dims can be dropped");
    }
  }
  auto collapsedType = RankedTensorType::get(shape, type.getElementType());
  return tensor::CollapseShapeOp::create(b, loc, collapsedType, value,
                                         getDropDimsReassociation(keep));
}

Value insertUnitDims(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape) {
    return value;
  }
  auto expandedType = RankedTensorType::get(shape, type.getElementType());
  std::optional<SmallVector<ReassociationIndices>> reassociation =
      getReassociationIndicesForReshape(type, expandedType);
  assert(reassociation && "insertUnitDims: not a unit-dim expansion");
  return tensor::ExpandShapeOp::create(b, loc, expandedType, value, *reassociation);
}

Value broadcastOperand(OpBuilder &b, Location loc, Value operand,
                       ArrayRef<int64_t> loopShape, AffineMap &map) {
  auto type = cast<RankedTensorType>(operand.getType());
  int64_t rank = type.getRank(), loops = static_cast<int64_t>(loopShape.size());
  int64_t offset = loops - rank;
  assert(offset >= 0 && "operand of higher rank than the iteration space");
  SmallVector<bool> keep;
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t loop = offset + d;
    bool kept = !(type.getDimSize(d) == 1 && loopShape[loop] != 1);
    keep.push_back(kept);
    if (kept) {
      exprs.push_back(b.getAffineDimExpr(static_cast<unsigned>(loop)));
    }
  }
  map = AffineMap::get(static_cast<unsigned>(loops), 0, exprs, b.getContext());
  return dropUnitDims(b, loc, operand, keep);
}

Value createElementwiseOp(OpBuilder &b, Location loc, RankedTensorType resultType,
                          ValueRange inputs, BodyBuilder body) {
  ArrayRef<int64_t> shape = resultType.getShape();
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    AffineMap map;
    operands.push_back(broadcastOperand(b, loc, input, shape, map));
    maps.push_back(map);
  }
  maps.push_back(b.getMultiDimIdentityMap(static_cast<unsigned>(shape.size())));
  Value init = createEmptyTensor(b, loc, shape, resultType.getElementType());
  return createGenericOp(b, loc, TypeRange{resultType}, operands, ValueRange{init}, maps,
                         getParallelIterators(static_cast<unsigned>(shape.size())), body)
      .getResult(0);
}

Value createMapOp(OpBuilder &b, Location loc, Value input, Type resultElementType,
                  BodyBuilder body) {
  auto type = cast<RankedTensorType>(input.getType());
  auto resultType = RankedTensorType::get(type.getShape(), resultElementType);
  return createElementwiseOp(b, loc, resultType, ValueRange{input}, body);
}

Value padSpatialDims(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> outHW,
                     ArrayRef<int64_t> kernelHW, ArrayRef<int64_t> strides,
                     ArrayRef<int64_t> dilations, ArrayRef<int64_t> before,
                     TypedAttr padValue) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> low(rank, 0), high(rank, 0), shape(type.getShape());
  for (int64_t i = 0; i < 2; ++i) {
    int64_t d = rank - 2 + i;
    int64_t extent = (outHW[i] - 1) * strides[i] + (kernelHW[i] - 1) * dilations[i] + 1;
    low[d] = before[i];
    high[d] = std::max<int64_t>(0, extent - type.getDimSize(d) - before[i]);
    shape[d] += low[d] + high[d];
  }
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; })) {
    return input;
  }
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  Value value = arith::ConstantOp::create(b, loc, padValue);
  return tensor::PadOp::create(b, loc, paddedType, input,
                               getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high), value);
}

} // namespace kiln::codegen
