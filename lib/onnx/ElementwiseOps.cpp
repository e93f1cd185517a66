//===- ElementwiseOps.cpp - ONNX elementwise ops -> kiln ---------------------===//
//
// Unary math, binary arithmetic with numpy broadcasting, comparisons, logic, Where,
// Cast, Clip and the activations ONNX spells as their own ops (LeakyRelu, HardSigmoid,
// HardSwish), which kiln expresses as small elementwise chains for fusion to merge.
//
//===----------------------------------------------------------------------------===//
#include "lib/onnx/GraphImporter.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

template <typename OpTy>
LogicalResult importUnary(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  FailureOr<Value> y = gi.create<OpTy>(*x);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

template <typename OpTy>
LogicalResult importBinary(GraphImporter &gi) {
  FailureOr<Value> a = gi.input(0), b = gi.input(1);
  if (failed(a) || failed(b)) {
    return failure();
  }
  FailureOr<Value> y = gi.create<OpTy>(*a, *b);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

/// Min, Max, Sum, Mean: a left fold over 1..N inputs (Mean divides at the end).
template <typename OpTy, bool isMean = false>
LogicalResult importVariadic(GraphImporter &gi) {
  FailureOr<Value> acc = gi.input(0);
  if (failed(acc)) {
    return failure();
  }
  for (int64_t i = 1; i < gi.numInputs(); ++i) {
    FailureOr<Value> next = gi.input(i);
    if (failed(next) || failed(acc = gi.create<OpTy>(*acc, *next))) {
      return failure();
    }
  }
  if (isMean && gi.numInputs() > 1) {
    Type et = cast<RankedTensorType>(acc->getType()).getElementType();
    Value n = gi.scalar(et, static_cast<double>(gi.numInputs()));
    if (failed(acc = gi.create<DivOp>(*acc, n))) {
      return failure();
    }
  }
  gi.setOutput(0, *acc);
  return success();
}

template <CmpPredicate pred, bool swap = false>
LogicalResult importCompare(GraphImporter &gi) {
  FailureOr<Value> a = gi.input(0), b = gi.input(1);
  if (failed(a) || failed(b)) {
    return failure();
  }
  FailureOr<Value> y = swap ? gi.create<CmpOp>(pred, *b, *a) : gi.create<CmpOp>(pred, *a, *b);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

LogicalResult importXor(GraphImporter &gi) { return importCompare<CmpPredicate::ne>(gi); }

LogicalResult importWhere(GraphImporter &gi) {
  FailureOr<Value> c = gi.input(0), a = gi.input(1), b = gi.input(2);
  if (failed(c) || failed(a) || failed(b)) {
    return failure();
  }
  FailureOr<Value> y = gi.create<SelectOp>(*c, *a, *b);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

LogicalResult importPow(GraphImporter &gi) {
  FailureOr<Value> a = gi.input(0), b = gi.input(1);
  if (failed(a) || failed(b)) {
    return failure();
  }
  // ONNX lets the exponent have another type; kiln computes in the base's type.
  Type et = cast<RankedTensorType>(a->getType()).getElementType();
  FailureOr<Value> e = gi.castTo(*b, et);
  if (failed(e)) {
    return failure();
  }
  FailureOr<Value> y = gi.create<PowOp>(*a, *e);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

LogicalResult importIdentity(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  gi.setOutput(0, *x);
  return success();
}

void checkDropout(const onnx::NodeProto &node, std::vector<std::string> &problems) {
  // training_mode is an input; a constant true there is only known at import (checked
  // in the handler). Nothing to reject from attributes alone.
}

LogicalResult importDropout(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  if (gi.hasInput(2)) {
    FailureOr<double> training = gi.constantScalar(2, "training_mode");
    if (failed(training)) {
      return failure();
    }
    // With ratio 0 training-mode dropout drops nothing: it is the identity.
    double ratio = 0.5;
    if (gi.hasInput(1)) {
      FailureOr<double> r = gi.constantScalar(1, "ratio");
      if (failed(r)) {
        return failure();
      }
      ratio = *r;
    }
    if (*training != 0 && ratio != 0) {
      return gi.error() << "training_mode=true is not supported: kiln compiles inference "
                           "graphs only (export the model in eval mode)";
    }
  }
  gi.setOutput(0, *x);
  if (gi.outputUsed(1)) {
    auto type = cast<RankedTensorType>(x->getType());
    gi.setOutput(1, gi.splat(RankedTensorType::get(type.getShape(), gi.builder().getI1Type()),
                             1.0));
  }
  return success();
}

void checkCast(const onnx::NodeProto &node, std::vector<std::string> &problems) {
  const onnx::AttributeProto *toAttr = findAttr(node, "to");
  if (!toAttr) {
    problems.push_back("required attribute 'to' is missing");
    return;
  }
  if (toAttr->type() != onnx::AttributeProto::INT) {
    problems.push_back("attribute 'to' must be an int (an ONNX TensorProto data type)");
    return;
  }
  int64_t to = toAttr->i();
  if (!isSupportedOnnxType(static_cast<int32_t>(to))) {
    problems.push_back("cast to " + getOnnxTypeName(static_cast<int32_t>(to)) +
                       " is not supported (kiln has no such element type)");
  }
}

LogicalResult importCast(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  FailureOr<int64_t> to = gi.requiredIntAttr("to");
  if (failed(x) || failed(to)) {
    return failure();
  }
  Type et = getElementType(gi.context(), static_cast<int32_t>(*to));
  if (!et) {
    return gi.error() << "cast to " << getOnnxTypeName(static_cast<int32_t>(*to))
                      << " is not supported";
  }
  FailureOr<Value> y = gi.castTo(*x, et);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

LogicalResult importClip(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  Builder &b = gi.builder();
  FloatAttr lo, hi;
  if (gi.hasInput(1)) {
    FailureOr<double> v = gi.constantScalar(1, "min");
    if (failed(v)) {
      return failure();
    }
    lo = b.getF64FloatAttr(*v);
  }
  if (gi.hasInput(2)) {
    FailureOr<double> v = gi.constantScalar(2, "max");
    if (failed(v)) {
      return failure();
    }
    hi = b.getF64FloatAttr(*v);
  }
  if (!lo && !hi) {
    gi.setOutput(0, *x);
    return success();
  }
  FailureOr<Value> y = gi.create<ClipOp>(*x, lo, hi);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

/// alpha * x + beta, clipped to [0, 1].
FailureOr<Value> hardSigmoid(GraphImporter &gi, Value x, double alpha, double beta) {
  Type et = cast<RankedTensorType>(x.getType()).getElementType();
  FailureOr<Value> ax = gi.create<MulOp>(x, gi.scalar(et, alpha));
  if (failed(ax)) {
    return failure();
  }
  FailureOr<Value> axb = gi.create<AddOp>(*ax, gi.scalar(et, beta));
  if (failed(axb)) {
    return failure();
  }
  Builder &b = gi.builder();
  return gi.create<ClipOp>(*axb, b.getF64FloatAttr(0.0), b.getF64FloatAttr(1.0));
}

LogicalResult importHardSigmoid(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  FailureOr<Value> y = hardSigmoid(gi, *x, gi.floatAttr("alpha", 0.2f), gi.floatAttr("beta", 0.5f));
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

// HardSwish(x) = x * HardSigmoid(x; alpha = 1/6, beta = 0.5)
LogicalResult importHardSwish(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  FailureOr<Value> hs = hardSigmoid(gi, *x, 1.0 / 6.0, 0.5);
  if (failed(hs)) {
    return failure();
  }
  FailureOr<Value> y = gi.create<MulOp>(*x, *hs);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

// LeakyRelu(x) = x >= 0 ? x : alpha * x
LogicalResult importLeakyRelu(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  Type et = cast<RankedTensorType>(x->getType()).getElementType();
  FailureOr<Value> scaled = gi.create<MulOp>(*x, gi.scalar(et, gi.floatAttr("alpha", 0.01f)));
  if (failed(scaled)) {
    return failure();
  }
  FailureOr<Value> positive = gi.create<CmpOp>(CmpPredicate::ge, *x, gi.scalar(et, 0.0));
  if (failed(positive)) {
    return failure();
  }
  FailureOr<Value> y = gi.create<SelectOp>(*positive, *x, *scaled);
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

} // namespace

void registerElementwiseOps(OpTable &t) {
  t["Abs"] = {importUnary<AbsOp>};
  t["Ceil"] = {importUnary<CeilOp>};
  t["Cos"] = {importUnary<CosOp>};
  t["Erf"] = {importUnary<ErfOp>};
  t["Exp"] = {importUnary<ExpOp>};
  t["Floor"] = {importUnary<FloorOp>};
  t["Log"] = {importUnary<LogOp>};
  t["Neg"] = {importUnary<NegOp>};
  t["Not"] = {importUnary<NotOp>};
  t["Reciprocal"] = {importUnary<ReciprocalOp>};
  t["Relu"] = {importUnary<ReluOp>};
  t["Round"] = {importUnary<RoundOp>};
  t["Sigmoid"] = {importUnary<SigmoidOp>};
  t["Sin"] = {importUnary<SinOp>};
  t["Sqrt"] = {importUnary<SqrtOp>};
  t["Tanh"] = {importUnary<TanhOp>};

  t["Add"] = {importBinary<AddOp>};
  t["Sub"] = {importBinary<SubOp>};
  t["Mul"] = {importBinary<MulOp>};
  t["Div"] = {importBinary<DivOp>};
  t["Pow"] = {importPow};
  t["And"] = {importBinary<AndOp>};
  t["Or"] = {importBinary<OrOp>};
  t["Xor"] = {importXor};
  t["Max"] = {importVariadic<MaxOp>};
  t["Min"] = {importVariadic<MinOp>};
  t["Sum"] = {importVariadic<AddOp>};
  t["Mean"] = {importVariadic<AddOp, true>};

  t["Equal"] = {importCompare<CmpPredicate::eq>};
  t["Less"] = {importCompare<CmpPredicate::lt>};
  t["LessOrEqual"] = {importCompare<CmpPredicate::le>};
  t["Greater"] = {importCompare<CmpPredicate::gt>};
  t["GreaterOrEqual"] = {importCompare<CmpPredicate::ge>};
  t["Where"] = {importWhere};

  t["Cast"] = {importCast, checkCast};
  t["Clip"] = {importClip};
  t["Dropout"] = {importDropout, checkDropout};
  t["HardSigmoid"] = {importHardSigmoid};
  t["HardSwish"] = {importHardSwish};
  t["Identity"] = {importIdentity};
  t["LeakyRelu"] = {importLeakyRelu};
}

} // namespace kiln::onnx_import
