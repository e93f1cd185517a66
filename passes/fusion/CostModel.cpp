//===- CostModel.cpp - what fusing an edge saves and costs -----------------===//
#include "passes/fusion/CostModel.h"

#include "dialects/kiln/KilnOps.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace kiln::fusion {

Operation *getSoleUser(Value v) {
  Operation *sole = nullptr;
  for (Operation *user : v.getUsers()) {
    if (sole && user != sole) {
      return nullptr;
    }
    sole = user;
  }
  return sole;
}

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

bool isElementwiseProducer(Operation *op) {
  return op && getFusionClass(op) == FusionClass::Elementwise && !isa<ConstantOp>(op);
}

namespace {

constexpr const char *kSeveralConsumers =
    "several consumers: fusing would recompute or keep the value in memory";

/// The checks both kinds of edge share; fills `d.reason` and returns false on refusal.
bool commonChecks(Value v, Operation *consumer, EdgeDecision &d) {
  if (!getSoleUser(v)) {
    d.reason = kSeveralConsumers;
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

EdgeDecision decidePrologueEdge(Value v, Operation *consumer) {
  EdgeDecision d;
  Operation *producer = v.getDefiningOp();
  bool layout = producer && isa<TransposeOp, BroadcastToOp>(producer);
  bool elementwise = isElementwiseProducer(producer) && producer->getNumResults() == 1;
  if (!layout && !elementwise) {
    d.reason = "producer is not a transpose, broadcast or elementwise op";
    return d;
  }
  if (elementwise && elementwiseFlops(producer) > kPrologueFlops) {
    d.reason = "too costly to recompute per tile (" +
               std::to_string(elementwiseFlops(producer)) + " FLOPs per element)";
    return d;
  }
  if (!getSoleUser(v)) {
    d.reason = kSeveralConsumers;
    return d;
  }
  int64_t bytes = tensorBytes(v);
  if (bytes < 0 || llvm::any_of(producer->getOperands(),
                                [](Value in) { return tensorBytes(in) < 0; })) {
    d.reason = "dynamic shape";
    return d;
  }
  // Directly into the contraction, or into a prologue op already taken for it.
  Operation *into = consumer;
  if (getFusionClass(into) != FusionClass::Contraction &&
      !isa<TransposeOp, BroadcastToOp>(into) && !isElementwiseProducer(into)) {
    d.reason = "consumer is not a contraction";
    return d;
  }
  // The operand never exists: the contraction's tiles read the producer's inputs (a
  // permutation, a broadcast, or values computed per tile).
  d.savedBytes = 2 * bytes;
  if (elementwise) {
    d.recomputeFlops =
        cast<ShapedType>(v.getType()).getNumElements() * elementwiseFlops(producer);
  }
  d.fuse = true;
  return d;
}

EdgeDecision decideLoopEdge(Value v, Operation *consumer) {
  EdgeDecision d;
  Operation *producer = v.getDefiningOp();
  if (!isElementwiseProducer(producer)) {
    d.reason = "producer is not elementwise";
    return d;
  }
  commonChecks(v, consumer, d);
  return d;
}

EdgeDecision decideRowPrologueEdge(Value v, Operation *reduction) {
  EdgeDecision d;
  Operation *producer = v.getDefiningOp();
  if (!isElementwiseProducer(producer)) {
    d.reason = "producer is not elementwise";
    return d;
  }
  if (!getSoleUser(v)) {
    d.reason = kSeveralConsumers;
    return d;
  }
  if (reduction->getNumOperands() == 0 || reduction->getOperand(0) != v) {
    d.reason = "the value is a parameter of the reduction, not its data input";
    return d;
  }
  int64_t bytes = tensorBytes(v);
  if (bytes < 0) {
    d.reason = "dynamic shape";
    return d;
  }
  d.savedBytes = 2 * bytes;
  d.fuse = true;
  return d;
}

int64_t elementwiseFlops(Operation *op) {
  if (isa<ExpOp, LogOp, ErfOp, TanhOp, SigmoidOp, GeluOp, PowOp, SinOp, CosOp>(op)) {
    return 20;
  }
  if (isa<DivOp, SqrtOp>(op)) {
    return 4;
  }
  return 1;
}

EdgeDecision decideRecompute(Operation *producer) {
  EdgeDecision d;
  if (!isElementwiseProducer(producer) || producer->getNumResults() != 1) {
    d.reason = "producer is not elementwise";
    return d;
  }
  Value v = producer->getResult(0);
  int64_t bytes = tensorBytes(v);
  if (bytes < 0) {
    d.reason = "dynamic shape";
    return d;
  }
  SmallVector<Operation *> users;
  for (Operation *user : v.getUsers()) {
    if (!llvm::is_contained(users, user)) {
      users.push_back(user);
    }
  }
  if (users.size() < 2) {
    d.reason = "one consumer: nothing to recompute";
    return d;
  }
  for (Operation *user : users) {
    if (getFusionClass(user) != FusionClass::Elementwise || isa<ConstantOp>(user) ||
        user->getNumResults() != 1 || user->getBlock() != producer->getBlock() ||
        cast<ShapedType>(user->getResult(0).getType()).getShape() !=
            cast<ShapedType>(v.getType()).getShape()) {
      d.reason = "a consumer is not an elementwise op of the same shape";
      return d;
    }
  }
  int64_t flops = elementwiseFlops(producer);
  if (flops > kRecomputeFlops) {
    d.reason = "too costly to recompute (" + std::to_string(flops) + " FLOPs per element)";
    return d;
  }
  int64_t extra = static_cast<int64_t>(users.size()) - 1, inputBytes = 0;
  for (Value operand : producer->getOperands()) {
    inputBytes += std::max<int64_t>(tensorBytes(operand), 0);
  }
  auto elements = cast<ShapedType>(v.getType()).getNumElements();
  d.recomputeFlops = extra * elements * flops;
  d.savedBytes = bytes * (1 + static_cast<int64_t>(users.size())) - extra * inputBytes;
  if (d.savedBytes <= 0) {
    d.reason = "recomputing would read more than it saves";
    return d;
  }
  d.fuse = true;
  return d;
}

int64_t attentionBlock(int64_t length) {
  for (int64_t t = std::min<int64_t>(length, 64); t >= 8; --t) {
    if (length % t == 0) {
      return t;
    }
  }
  return length <= 256 ? length : 0;
}

EdgeDecision decideAttention(Value scores, int64_t chainOps, int64_t scratchBytes) {
  EdgeDecision d;
  auto type = dyn_cast<RankedTensorType>(scores.getType());
  int64_t bytes = tensorBytes(scores);
  if (bytes < 0) {
    d.reason = "dynamic shape";
    return d;
  }
  if (!type.getElementType().isF32()) {
    d.reason = "attention groups are formed for f32 scores only";
    return d;
  }
  int64_t rank = type.getRank();
  if (!attentionBlock(type.getDimSize(rank - 2)) || !attentionBlock(type.getDimSize(rank - 1))) {
    d.reason = "no block size divides the sequence length (a divisor in [8, 64], or at most 256)";
    return d;
  }
  if (scratchBytes >= bytes) {
    d.reason = "the blockwise scratch would not be smaller than the score matrix";
    return d;
  }
  d.savedBytes = 2 * bytes * (chainOps + 1);
  d.fuse = true;
  return d;
}

} // namespace kiln::fusion
