//===- KilnOps.cpp - kiln op verifiers and custom assembly -----------------===//
//
// Verifiers of the ops whose result type is their specification (reshape,
// broadcast_to, constant, quantize, dequantize) and of attribute rules inference does not
// cover. Shape inference lives in KilnShapes.cpp, folders in KilnOpFolders.cpp.
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;

namespace kiln {

//===----------------------------------------------------------------------------===//
// ClipOp
//===----------------------------------------------------------------------------===//

LogicalResult ClipOp::verify() {
  if (getMin() && getMax() && getMin()->convertToDouble() > getMax()->convertToDouble()) {
    return emitOpError("clip: min ")
           << getMin()->convertToDouble() << " is greater than max "
           << getMax()->convertToDouble();
  }
  return success();
}

//===----------------------------------------------------------------------------===//
// SoftmaxOp / LogSoftmaxOp
//===----------------------------------------------------------------------------===//

static LogicalResult verifySoftmaxAxis(Operation *op, StringRef name, int64_t axis,
                                       int64_t rank) {
  if (axis < 0 || axis >= rank) {
    return op->emitOpError(name) << ": axis " << axis << " is out of range for a rank-"
                                 << rank << " input (expected 0 <= axis < " << rank << ")";
  }
  return success();
}

LogicalResult SoftmaxOp::verify() {
  return verifySoftmaxAxis(*this, "softmax", getAxis(), getType().getRank());
}

LogicalResult LogSoftmaxOp::verify() {
  return verifySoftmaxAxis(*this, "log_softmax", getAxis(), getType().getRank());
}

//===----------------------------------------------------------------------------===//
// ReshapeOp / BroadcastToOp
//===----------------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType();
  auto out = getOutput().getType();
  if (in.getElementType() != out.getElementType()) {
    return emitOpError("reshape: input element type ")
           << in.getElementType() << " differs from the result's " << out.getElementType()
           << "; reshape never converts, use kiln.cast";
  }
  std::optional<int64_t> a = getNumElements(in), b = getNumElements(out);
  if (a && b && *a != *b) {
    return emitOpError("reshape: input has ")
           << *a << " elements (" << formatShape(in.getShape()) << ") but the result has "
           << *b << " (" << formatShape(out.getShape()) << ")";
  }
  return success();
}

LogicalResult BroadcastToOp::verify() {
  auto in = getInput().getType();
  auto out = getOutput().getType();
  if (in.getElementType() != out.getElementType()) {
    return emitOpError("broadcast_to: input element type ")
           << in.getElementType() << " differs from the result's " << out.getElementType();
  }
  if (in.getRank() > out.getRank()) {
    return emitOpError("broadcast_to: cannot broadcast rank ")
           << in.getRank() << " input " << formatShape(in.getShape()) << " to rank "
           << out.getRank() << " " << formatShape(out.getShape());
  }
  int64_t d = findNonBroadcastableDim(in.getShape(), out.getShape());
  if (d >= 0) {
    return emitOpError("broadcast_to: input dim ")
           << d << " of size " << in.getDimSize(d) << " cannot broadcast to "
           << out.getDimSize(d + out.getRank() - in.getRank()) << " (input "
           << formatShape(in.getShape()) << ", result " << formatShape(out.getShape())
           << ")";
  }
  return success();
}

//===----------------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  auto valueType = dyn_cast<RankedTensorType>(getValue().getType());
  RankedTensorType resultType = getOutput().getType();
  if (!valueType || valueType.getShape() != resultType.getShape()) {
    return emitOpError("constant: value has type ")
           << getValue().getType() << " but the result is " << resultType;
  }
  Type ve = valueType.getElementType(), re = resultType.getElementType();
  if (ve == re) {
    return success();
  }
  auto q = dyn_cast<quant::QuantizedType>(re);
  if (!q) {
    return emitOpError("constant: value element type ")
           << ve << " differs from the result's " << re
           << " (only a quantized result may reinterpret integer storage)";
  }
  if (!ve.isSignlessInteger(q.getStorageTypeIntegralWidth())) {
    return emitOpError("constant: quantized result stores ")
           << q.getStorageType() << " but the value holds " << ve
           << "; give the value as i" << q.getStorageTypeIntegralWidth();
  }
  return success();
}

void ConstantOp::print(OpAsmPrinter &p) {
  p.printOptionalAttrDict((*this)->getAttrs(), /*elidedAttrs=*/{"value"});
  p << ' ';
  p.printAttribute(getValue());
  if (getValue().getType() != getOutput().getType()) {
    p << " as " << getOutput().getType();
  }
}

ParseResult ConstantOp::parse(OpAsmParser &parser, OperationState &result) {
  ElementsAttr value;
  if (parser.parseOptionalAttrDict(result.attributes) ||
      parser.parseAttribute(value, "value", result.attributes)) {
    return failure();
  }
  Type resultType = value.getType();
  if (succeeded(parser.parseOptionalKeyword("as"))) {
    if (parser.parseType(resultType)) {
      return failure();
    }
  }
  result.addTypes(resultType);
  return success();
}

//===----------------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------------===//

/// Float side and quantized side of a (de)quantize must agree: the quantized type
/// expresses the float type, and per-axis parameters match the quantized dim.
static LogicalResult verifyQuantPair(Operation *op, StringRef name, RankedTensorType floatTy,
                                     RankedTensorType quantTy) {
  auto q = cast<quant::QuantizedType>(quantTy.getElementType());
  if (q.getExpressedType() != floatTy.getElementType()) {
    return op->emitOpError(name) << ": the quantized type expresses " << q.getExpressedType()
                                 << " but the float side is " << floatTy.getElementType();
  }
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
    int64_t axis = perAxis.getQuantizedDimension();
    if (axis >= quantTy.getRank()) {
      return op->emitOpError(name)
             << ": per-axis quantization on dim " << axis << " of a rank-"
             << quantTy.getRank() << " tensor";
    }
    int64_t dim = quantTy.getDimSize(axis);
    int64_t scales = static_cast<int64_t>(perAxis.getScales().size());
    if (!ShapedType::isDynamic(dim) && dim != scales) {
      return op->emitOpError(name)
             << ": per-axis type has " << scales << " scales but dim " << axis << " has "
             << dim << " elements (one scale and zero point per element of that dim)";
    }
  }
  return success();
}

LogicalResult QuantizeOp::verify() {
  return verifyQuantPair(*this, "quantize", getInput().getType(), getOutput().getType());
}

LogicalResult DequantizeOp::verify() {
  return verifyQuantPair(*this, "dequantize", getOutput().getType(), getInput().getType());
}

//===----------------------------------------------------------------------------===//
// kiln.fusion
//===----------------------------------------------------------------------------===//

void FusionOp::build(OpBuilder &b, OperationState &state, FusionScheme scheme,
                     ValueRange inputs, TypeRange resultTypes) {
  state.addAttribute(getSchemeAttrName(state.name),
                     FusionSchemeAttr::get(b.getContext(), scheme));
  state.addOperands(inputs);
  state.addTypes(resultTypes);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value v : inputs) {
    block->addArgument(v.getType(), v.getLoc());
  }
}

// kiln.fusion <scheme> (%a, %b) : (A, B) -> (R) { ^bb0(%x: A, %y: B): ... kiln.yield }
void FusionOp::print(OpAsmPrinter &p) {
  p << " " << stringifyFusionScheme(getScheme()) << " (" << getInputs() << ") : ";
  p.printFunctionalType(getInputs().getTypes(), getResultTypes());
  p.printOptionalAttrDictWithKeyword((*this)->getAttrs(), {getSchemeAttrName()});
  p << " ";
  p.printRegion(getBody(), /*printEntryBlockArgs=*/true, /*printBlockTerminators=*/true);
}

ParseResult FusionOp::parse(OpAsmParser &parser, OperationState &state) {
  StringRef keyword;
  SMLoc at = parser.getCurrentLocation();
  if (parser.parseKeyword(&keyword)) {
    return failure();
  }
  std::optional<FusionScheme> scheme = symbolizeFusionScheme(keyword);
  if (!scheme) {
    return parser.emitError(at, "unknown fusion scheme '")
           << keyword << "' (loop, row_reduction, contraction, attention)";
  }
  state.addAttribute(getSchemeAttrName(state.name),
                     FusionSchemeAttr::get(parser.getContext(), *scheme));
  SmallVector<OpAsmParser::UnresolvedOperand> operands;
  FunctionType type;
  SMLoc operandsAt = parser.getCurrentLocation();
  if (parser.parseOperandList(operands, OpAsmParser::Delimiter::Paren) ||
      parser.parseColonType(type) ||
      parser.resolveOperands(operands, type.getInputs(), operandsAt, state.operands) ||
      parser.parseOptionalAttrDictWithKeyword(state.attributes)) {
    return failure();
  }
  state.addTypes(type.getResults());
  return parser.parseRegion(*state.addRegion(), /*arguments=*/{});
}

LogicalResult FusionOp::verifyRegions() {
  Block &body = getBody().front();
  if (body.getArgumentTypes() != getInputs().getTypes()) {
    return emitOpError("body arguments must have the types of the group's inputs");
  }
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield || yield.getValues().getTypes() != getResultTypes()) {
    return emitOpError("body must end in kiln.yield of the group's result types");
  }
  int contractions = 0, reductions = 0, softmaxes = 0;
  for (Operation &op : body.without_terminator()) {
    if (isa<FusionOp>(op)) {
      return op.emitOpError("cannot nest inside another kiln.fusion group");
    }
    FusionClass cls = getFusionClass(&op);
    if (cls == FusionClass::Opaque) {
      return op.emitOpError("is opaque to fusion and cannot be part of a kiln.fusion group");
    }
    contractions += cls == FusionClass::Contraction;
    reductions += cls == FusionClass::Reduction;
    softmaxes += isa<SoftmaxOp>(op);
  }
  auto misfit = [&](StringRef why) {
    return emitOpError("body does not fit the '")
           << stringifyFusionScheme(getScheme()) << "' scheme: " << why;
  };
  switch (getScheme()) {
  case FusionScheme::loop:
    if (contractions || reductions) {
      return misfit("a loop group holds only elementwise, broadcast and data-movement ops");
    }
    break;
  case FusionScheme::row_reduction:
    if (contractions || !reductions) {
      return misfit("a row-reduction group needs a reduction and no matmul or conv");
    }
    break;
  case FusionScheme::contraction:
    if (contractions != 1 || reductions) {
      return misfit("a contraction group holds exactly one matmul or conv and no reduction");
    }
    break;
  case FusionScheme::attention:
    if (contractions != 2 || softmaxes != 1 || reductions != 1) {
      return misfit("an attention group holds two matmuls and one softmax");
    }
    break;
  }
  return success();
}

} // namespace kiln

#define GET_OP_CLASSES
#include "dialects/kiln/KilnOps.cpp.inc"

#include "dialects/kiln/KilnInterfaces.cpp.inc"
