//===- ConstantData.cpp - read and make f32 weight constants ---------------===//
#include "passes/fusion/ConstantData.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace kiln {

std::optional<double> readScalarConstant(Value v) {
  auto constant = v.getDefiningOp<ConstantOp>();
  auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
  if (!dense || !dense.isSplat() || !isa<FloatType>(dense.getElementType())) {
    return std::nullopt;
  }
  return dense.getSplatValue<APFloat>().convertToDouble();
}

std::optional<SmallVector<float>> readF32(ConstantOp constant) {
  return readF32(constant.getValue());
}

std::optional<SmallVector<float>> readF32(ElementsAttr value) {
  if (!value || !value.getElementType().isF32()) {
    return std::nullopt;
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    return llvm::to_vector(dense.getValues<float>());
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(value)) {
    if (std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef()) {
      return SmallVector<float>(data->begin(), data->end());
    }
  }
  return std::nullopt;
}

std::optional<SmallVector<float>> readF32(Value v) {
  auto constant = v.getDefiningOp<ConstantOp>();
  if (!constant) {
    return std::nullopt;
  }
  return readF32(constant);
}

DenseResourceElementsAttr createF32Resource(RankedTensorType type, ArrayRef<float> data,
                                            StringRef name) {
  auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign<float>(data);
  return DenseResourceElementsAttr::get(type, name, std::move(blob));
}

Value createF32Constant(OpBuilder &b, Location loc, RankedTensorType type,
                        ArrayRef<float> data, StringRef name) {
  return ConstantOp::create(b, loc, type,
                            cast<ElementsAttr>(createF32Resource(type, data, name)));
}

} // namespace kiln
