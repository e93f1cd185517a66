//===- KilnDialect.cpp - kiln dialect registration -------------------------===//
//
// Registers the ops and materializes folded constants as kiln.constant.
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/KilnOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace kiln;

#include "dialects/kiln/KilnDialect.cpp.inc"
#include "dialects/kiln/KilnEnums.cpp.inc"

void KilnDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/kiln/KilnOps.cpp.inc"
      >();
}

Operation *KilnDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type,
                                            Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!elements || !tensorType) {
    return nullptr;
  }
  if (elements.getType() != tensorType) {
    return nullptr; // a quantized result reinterpreting storage is never folded to
  }
  return ConstantOp::create(builder, loc, tensorType, elements);
}
