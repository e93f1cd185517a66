//===- CostModel.cpp - what fusing an edge saves and costs -----------------===//
#include "passes/fusion/CostModel.h"

#include "dialects/kiln/KilnOps.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace kiln::fusion {

int64_t tensorBytes(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape()) {
    return -1;
  }
  Type element = type.getElementType();
  if (auto quant = dyn_cast<quant::QuantizedType>(element)) {
    element = quant.getStorageType();
  }
  int64_t bits = element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 64;
  return type.getNumElements() * ((bits + 7) / 8);
}

namespace {

/// The checks both kinds of edge share; fills `d.reason` and returns false on refusal.
bool commonChecks(Value v, Operation *consumer, EdgeDecision &d) {
  if (!v.hasOneUse()) {
    d.reason = "several consumers: fusing would recompute or keep the value in memory";
    return false;
  }
  FusionClass cls = getFusionClass(consumer);
  if (cls == FusionClass::Opaque) {
    d.reason = "opaque consumer";
    return false;
  }
  if (cls != FusionClass::Elementwise || isa<ConstantOp>(consumer)) {
    d.reason = std::string("consumer is ") + stringifyFusionClass(cls).str() +
               ", not elementwise";
    return false;
  }
  if (consumer->getNumResults() != 1 || consumer->getBlock() != v.getParentBlock()) {
    d.reason = "consumer has several results or lives in another block";
    return false;
  }
  int64_t bytes = tensorBytes(v);
  if (bytes < 0 || tensorBytes(consumer->getResult(0)) < 0) {
    d.reason = "dynamic shape";
    return false;
  }
  if (consumer->getResult(0).getType() != v.getType() &&
      cast<ShapedType>(consumer->getResult(0).getType()).getShape() !=
          cast<ShapedType>(v.getType()).getShape()) {
    d.reason = "consumer broadcasts the value to another shape";
    return false;
  }
  // Peak-memory guard: the intermediate disappears and the consumer's result replaces
  // the group's; with one consumer nothing else is kept alive longer, so the modeled
  // peak cannot grow.
  d.savedBytes = 2 * bytes;
  d.recomputeFlops = 0;
  d.fuse = true;
  return true;
}

} // namespace

EdgeDecision decideEpilogueEdge(Value v, Operation *consumer) {
  EdgeDecision d;
  commonChecks(v, consumer, d);
  return d;
}

EdgeDecision decidePrologueEdge(Value v, Operation *contraction) {
  EdgeDecision d;
  Operation *producer = v.getDefiningOp();
  if (!producer || !isa<TransposeOp>(producer)) {
    d.reason = "producer is not a transpose";
    return d;
  }
  if (!v.hasOneUse()) {
    d.reason = "several consumers: fusing would recompute or keep the value in memory";
    return d;
  }
  int64_t bytes = tensorBytes(v);
  if (bytes < 0 || tensorBytes(producer->getOperand(0)) < 0) {
    d.reason = "dynamic shape";
    return d;
  }
  // The permuted copy never exists: the contraction reads the original layout.
  d.savedBytes = 2 * bytes;
  d.fuse = getFusionClass(contraction) == FusionClass::Contraction;
  if (!d.fuse) {
    d.reason = "consumer is not a contraction";
  }
  return d;
}

EdgeDecision decideLoopEdge(Value v, Operation *consumer) {
  EdgeDecision d;
  Operation *producer = v.getDefiningOp();
  if (!producer || getFusionClass(producer) != FusionClass::Elementwise ||
      isa<ConstantOp>(producer)) {
    d.reason = "producer is not elementwise";
    return d;
  }
  commonChecks(v, consumer, d);
  return d;
}

} // namespace kiln::fusion
