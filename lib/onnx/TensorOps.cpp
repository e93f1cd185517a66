//===- TensorOps.cpp - ONNX shape and data-movement ops -> kiln --------------===//
//
// Reshape-like ops (Reshape, Flatten, Squeeze, Unsqueeze) become kiln.reshape with a
// static shape; Shape, Size and ConstantOfShape become constants (all shapes are static
// after import), so shape arithmetic folds away through the importer's constant folding.
//
//===----------------------------------------------------------------------------===//
#include "lib/onnx/GraphImporter.h"

#include <cmath>
#include <limits>
#include <set>

using namespace mlir;

namespace kiln::onnx_import {
namespace {

LogicalResult finishWith(GraphImporter &gi, FailureOr<Value> y) {
  if (failed(y)) {
    return failure();
  }
  gi.setOutput(0, *y);
  return success();
}

LogicalResult importReshape(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  FailureOr<SmallVector<int64_t>> shape = gi.constantInts(1, "the target shape");
  if (failed(x) || failed(shape)) {
    return failure();
  }
  auto xt = gi.inputType(0);
  bool allowZero = gi.intAttr("allowzero", 0) != 0;
  SmallVector<int64_t> out;
  int64_t inferIdx = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(*shape)) {
    if (d == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= xt.getRank()) {
        return gi.error() << "target shape copies dim " << i << " (0) but the input has rank "
                          << xt.getRank();
      }
      d = xt.getDimSize(i);
    }
    if (d == -1) {
      if (inferIdx >= 0) {
        return gi.error() << "target shape has more than one -1";
      }
      inferIdx = static_cast<int64_t>(i);
    } else if (d < 0) {
      return gi.error() << "target shape has invalid dim " << d;
    } else {
      known *= d;
    }
    out.push_back(d);
  }
  int64_t total = xt.getNumElements();
  if (inferIdx >= 0) {
    if (known == 0 || total % known != 0) {
      return gi.error() << "cannot infer the -1 dim: " << total << " elements do not divide by "
                        << known;
    }
    out[inferIdx] = total / known;
  } else if (known != total) {
    return gi.error() << "target shape " << formatShape(out) << " holds " << known
                      << " elements but the input " << formatShape(xt.getShape()) << " holds "
                      << total;
  }
  return finishWith(gi, gi.reshape(*x, out));
}

LogicalResult importFlatten(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  auto xt = gi.inputType(0);
  // Flatten's axis lies in [-rank, rank]; a negative one counts from the end.
  int64_t rawAxis = gi.intAttr("axis", 1);
  if (rawAxis < -xt.getRank() || rawAxis > xt.getRank()) {
    return gi.error() << "axis " << rawAxis << " is out of range for rank " << xt.getRank();
  }
  std::optional<int64_t> axis = rawAxis < 0 ? rawAxis + xt.getRank() : rawAxis;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < xt.getRank(); ++d) {
    (d < *axis ? outer : inner) *= xt.getDimSize(d);
  }
  return finishWith(gi, gi.reshape(*x, {outer, inner}));
}

SmallVector<int64_t> axesFromInputOrAttr(GraphImporter &gi, FailureOr<bool> &ok) {
  ok = true;
  if (gi.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> v = gi.constantInts(1, "axes");
    if (failed(v)) {
      ok = failure();
      return {};
    }
    return *v;
  }
  return gi.intsAttr("axes");
}

LogicalResult importSqueeze(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  FailureOr<bool> ok;
  SmallVector<int64_t> axes = axesFromInputOrAttr(gi, ok);
  if (failed(x) || failed(ok)) {
    return failure();
  }
  auto xt = gi.inputType(0);
  std::set<int64_t> drop;
  for (int64_t a : axes) {
    FailureOr<int64_t> n = gi.normalizeAxis(a, xt.getRank(), "axis");
    if (failed(n)) {
      return failure();
    }
    if (xt.getDimSize(*n) != 1) {
      return gi.error() << "cannot squeeze dim " << *n << " of size " << xt.getDimSize(*n);
    }
    drop.insert(*n);
  }
  SmallVector<int64_t> out;
  for (int64_t d = 0; d < xt.getRank(); ++d) {
    bool squeeze = axes.empty() ? xt.getDimSize(d) == 1 : drop.count(d) > 0;
    if (!squeeze) {
      out.push_back(xt.getDimSize(d));
    }
  }
  return finishWith(gi, gi.reshape(*x, out));
}

LogicalResult importUnsqueeze(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  FailureOr<bool> ok;
  SmallVector<int64_t> axes = axesFromInputOrAttr(gi, ok);
  if (failed(x) || failed(ok)) {
    return failure();
  }
  auto xt = gi.inputType(0);
  int64_t outRank = xt.getRank() + static_cast<int64_t>(axes.size());
  std::set<int64_t> add;
  for (int64_t a : axes) {
    FailureOr<int64_t> n = gi.normalizeAxis(a, outRank, "axis");
    if (failed(n)) {
      return failure();
    }
    if (!add.insert(*n).second) {
      return gi.error() << "axis " << *n << " appears twice";
    }
  }
  SmallVector<int64_t> out;
  int64_t src = 0;
  for (int64_t d = 0; d < outRank; ++d) {
    out.push_back(add.count(d) ? 1 : xt.getDimSize(src++));
  }
  return finishWith(gi, gi.reshape(*x, out));
}

LogicalResult importTranspose(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  int64_t rank = gi.inputType(0).getRank();
  SmallVector<int64_t> reversed;
  for (int64_t d = rank - 1; d >= 0; --d) {
    reversed.push_back(d);
  }
  SmallVector<int64_t> perm = gi.intsAttr("perm", reversed);
  return finishWith(gi, gi.create<TransposeOp>(*x, ArrayRef<int64_t>(perm)));
}

LogicalResult importConcat(GraphImporter &gi) {
  SmallVector<Value> inputs;
  for (int64_t i = 0; i < gi.numInputs(); ++i) {
    FailureOr<Value> v = gi.input(i);
    if (failed(v)) {
      return failure();
    }
    inputs.push_back(*v);
  }
  FailureOr<int64_t> axis = gi.requiredIntAttr("axis");
  if (failed(axis) ||
      failed(axis = gi.normalizeAxis(*axis, gi.inputType(0).getRank(), "axis"))) {
    return failure();
  }
  if (inputs.size() == 1) {
    gi.setOutput(0, inputs[0]);
    return success();
  }
  return finishWith(gi, gi.create<ConcatOp>(ValueRange(inputs), static_cast<uint64_t>(*axis)));
}

LogicalResult importSplit(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  if (failed(x)) {
    return failure();
  }
  auto xt = gi.inputType(0);
  FailureOr<int64_t> axis = gi.normalizeAxis(gi.intAttr("axis", 0), xt.getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  int64_t dim = xt.getDimSize(*axis), n = gi.numOutputs();
  SmallVector<int64_t> sizes;
  if (gi.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> v = gi.constantInts(1, "split");
    if (failed(v)) {
      return failure();
    }
    sizes = *v;
  } else if (gi.attr("split")) {
    sizes = gi.intsAttr("split");
  } else {
    if (n <= 0 || dim % n != 0) {
      return gi.error() << "dim " << *axis << " (" << dim << ") does not split evenly into "
                        << n << " outputs; give 'split' sizes";
    }
    sizes.assign(n, dim / n);
  }
  if (static_cast<int64_t>(sizes.size()) != n) {
    return gi.error() << "split has " << sizes.size() << " sizes for " << n << " outputs";
  }
  SmallVector<Type> types;
  int64_t sum = 0;
  for (int64_t s : sizes) {
    if (s < 0) {
      return gi.error() << "split size " << s << " is negative";
    }
    sum += s;
    SmallVector<int64_t> shape(xt.getShape());
    shape[*axis] = s;
    types.push_back(RankedTensorType::get(shape, xt.getElementType()));
  }
  if (sum != dim) {
    return gi.error() << "split sizes add up to " << sum << " but dim " << *axis << " is "
                      << dim;
  }
  auto op = SplitOp::create(gi.builder(), gi.loc(), TypeRange(types), *x,
                            static_cast<uint64_t>(*axis),
                            ArrayRef<int64_t>(sizes));
  FailureOr<SmallVector<Value>> results = gi.finishAll(op, /*inferTypes=*/false);
  if (failed(results)) {
    return failure();
  }
  for (auto [i, v] : llvm::enumerate(*results)) {
    gi.setOutput(static_cast<int64_t>(i), v);
  }
  return success();
}

// Slice: starts/ends clamp per ONNX, then normalized for kiln.slice.
LogicalResult importSlice(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  FailureOr<SmallVector<int64_t>> starts = gi.constantInts(1, "starts");
  FailureOr<SmallVector<int64_t>> ends = gi.constantInts(2, "ends");
  if (failed(x) || failed(starts) || failed(ends)) {
    return failure();
  }
  auto xt = gi.inputType(0);
  int64_t rank = xt.getRank();
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  if (gi.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> v = gi.constantInts(3, "axes");
    if (failed(v)) {
      return failure();
    }
    axes = *v;
  } else {
    for (size_t i = 0; i < starts->size(); ++i) {
      axes.push_back(static_cast<int64_t>(i));
    }
  }
  if (gi.hasInput(4)) {
    FailureOr<SmallVector<int64_t>> v = gi.constantInts(4, "steps");
    if (failed(v)) {
      return failure();
    }
    steps = *v;
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size()) {
    return gi.error() << "starts, ends, axes and steps must have the same length";
  }
  SmallVector<int64_t> s(rank, 0), e(xt.getShape()), st(rank, 1);
  std::set<int64_t> seen;
  for (size_t i = 0; i < starts->size(); ++i) {
    FailureOr<int64_t> a = gi.normalizeAxis(axes[i], rank, "axis");
    if (failed(a)) {
      return failure();
    }
    if (!seen.insert(*a).second) {
      return gi.error() << "axis " << *a << " is sliced twice";
    }
    int64_t dim = xt.getDimSize(*a), step = steps[i];
    if (step == 0) {
      return gi.error() << "step must not be 0";
    }
    auto clampTo = [](int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v, lo), hi); };
    int64_t start = (*starts)[i], end = (*ends)[i];
    if (start < 0) start = start < std::numeric_limits<int64_t>::min() / 2 ? -dim - 1 : start + dim;
    if (end < 0) end = end < std::numeric_limits<int64_t>::min() / 2 ? -dim - 1 : end + dim;
    if (step > 0) {
      start = clampTo(start, 0, dim);
      end = clampTo(end, 0, dim);
      end = std::max(end, start);
    } else {
      start = clampTo(start, 0, dim - 1);
      end = clampTo(end, -1, dim - 1);
      end = std::min(end, start);
    }
    s[*a] = start;
    e[*a] = end;
    st[*a] = step;
  }
  return finishWith(gi, gi.create<SliceOp>(*x, ArrayRef<int64_t>(s), ArrayRef<int64_t>(e),
                                           ArrayRef<int64_t>(st)));
}

LogicalResult importGather(GraphImporter &gi) {
  FailureOr<Value> data = gi.input(0), indices = gi.input(1);
  if (failed(data) || failed(indices)) {
    return failure();
  }
  FailureOr<int64_t> axis =
      gi.normalizeAxis(gi.intAttr("axis", 0), gi.inputType(0).getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  return finishWith(gi, gi.create<GatherOp>(*data, *indices, static_cast<uint64_t>(*axis)));
}

void checkPad(const onnx::NodeProto &node, std::vector<std::string> &problems) {
  std::string mode = getStringAttr(node, "mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge") {
    problems.push_back("mode '" + mode + "' is not supported (constant, reflect, edge are)");
  }
}

LogicalResult importPad(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  FailureOr<SmallVector<int64_t>> pads = gi.constantInts(1, "pads");
  if (failed(x) || failed(pads)) {
    return failure();
  }
  auto xt = gi.inputType(0);
  if (static_cast<int64_t>(pads->size()) != 2 * xt.getRank()) {
    return gi.error() << "pads has " << pads->size() << " values for a rank-" << xt.getRank()
                      << " input (needs " << 2 * xt.getRank() << ")";
  }
  double value = 0.0;
  if (gi.hasInput(2)) {
    FailureOr<double> v = gi.constantScalar(2, "constant_value");
    if (failed(v)) {
      return failure();
    }
    value = *v;
  }
  std::string modeName = gi.stringAttr("mode", "constant");
  PadMode mode = modeName == "reflect" ? PadMode::reflect
                 : modeName == "edge"  ? PadMode::edge
                                       : PadMode::constant;
  // Negative pads crop: slice first, then pad with the non-negative part.
  int64_t rank = xt.getRank();
  bool crop = llvm::any_of(*pads, [](int64_t p) { return p < 0; });
  Value in = *x;
  SmallVector<int64_t> padsPos(*pads);
  if (crop) {
    SmallVector<int64_t> s(rank), e(rank), st(rank, 1);
    for (int64_t d = 0; d < rank; ++d) {
      s[d] = std::min<int64_t>(std::max<int64_t>(0, -(*pads)[d]), xt.getDimSize(d));
      e[d] = std::max<int64_t>(s[d], xt.getDimSize(d) + std::min<int64_t>(0, (*pads)[d + rank]));
      padsPos[d] = std::max<int64_t>(0, (*pads)[d]);
      padsPos[d + rank] = std::max<int64_t>(0, (*pads)[d + rank]);
    }
    FailureOr<Value> sliced = gi.create<SliceOp>(in, ArrayRef<int64_t>(s), ArrayRef<int64_t>(e),
                                                 ArrayRef<int64_t>(st));
    if (failed(sliced)) {
      return failure();
    }
    in = *sliced;
  }
  if (llvm::all_of(padsPos, [](int64_t p) { return p == 0; })) {
    gi.setOutput(0, in);
    return success();
  }
  return finishWith(gi, gi.create<PadOp>(in, ArrayRef<int64_t>(padsPos), mode, APFloat(value)));
}

LogicalResult importExpand(GraphImporter &gi) {
  FailureOr<Value> x = gi.input(0);
  FailureOr<SmallVector<int64_t>> shape = gi.constantInts(1, "the target shape");
  if (failed(x) || failed(shape)) {
    return failure();
  }
  // Expand broadcasts both ways: the result is broadcast(input shape, shape).
  FailureOr<SmallVector<int64_t>> out = broadcastShapes(gi.inputType(0).getShape(), *shape);
  if (failed(out)) {
    return gi.error() << "input shape " << formatShape(gi.inputType(0).getShape())
                      << " does not broadcast with " << formatShape(*shape);
  }
  if (failed(gi.checkSize(*out, gi.inputType(0).getElementType(), "the expanded result"))) {
    return failure();
  }
  return finishWith(gi, gi.broadcastTo(*x, *out));
}

LogicalResult importShape(GraphImporter &gi) {
  if (failed(gi.input(0))) {
    return failure();
  }
  auto xt = gi.inputType(0);
  int64_t rank = xt.getRank();
  int64_t start = gi.intAttr("start", 0), end = gi.intAttr("end", rank);
  auto clampAxis = [&](int64_t a) {
    a = a < 0 ? a + rank : a;
    return std::min(std::max<int64_t>(a, 0), rank);
  };
  start = clampAxis(start);
  end = std::max(clampAxis(end), start);
  interp::Tensor t(gi.builder().getI64Type(), {end - start});
  for (int64_t d = start; d < end; ++d) {
    t.ints()[d - start] = xt.getDimSize(d);
  }
  gi.setOutput(0, gi.constant(t));
  return success();
}

LogicalResult importSize(GraphImporter &gi) {
  if (failed(gi.input(0))) {
    return failure();
  }
  interp::Tensor t(gi.builder().getI64Type(), {});
  t.ints()[0] = gi.inputType(0).getNumElements();
  gi.setOutput(0, gi.constant(t));
  return success();
}

/// Decodes a TensorProto attribute value.
FailureOr<interp::Tensor> attrTensor(GraphImporter &gi, const onnx::TensorProto &proto) {
  onnx::TensorProto copy = proto;
  std::string error;
  FailureOr<ElementsAttr> attr =
      importTensorProto(copy, gi.context(), gi.options(), gi.modelDirectory(), error);
  if (failed(attr)) {
    return gi.error() << "value " << error;
  }
  FailureOr<interp::Tensor> t =
      interp::tensorFromAttr(*attr, cast<RankedTensorType>(attr->getType()));
  if (failed(t)) {
    return gi.error() << "value cannot be decoded";
  }
  return t;
}

LogicalResult importConstantOfShape(GraphImporter &gi) {
  FailureOr<SmallVector<int64_t>> shape = gi.constantInts(0, "the shape");
  if (failed(shape)) {
    return failure();
  }
  Type et = gi.builder().getF32Type();
  double value = 0.0;
  if (const onnx::AttributeProto *a = gi.attr("value")) {
    FailureOr<interp::Tensor> t = attrTensor(gi, a->t());
    if (failed(t)) {
      return failure();
    }
    if (t->getNumElements() != 1) {
      return gi.error() << "value must hold one element";
    }
    et = t->getElementType();
    value = t->getDouble(0);
  }
  for (int64_t d : *shape) {
    if (d < 0) {
      return gi.error() << "shape has a negative dim " << d;
    }
  }
  if (failed(gi.checkSize(*shape, et, "the result"))) {
    return failure();
  }
  gi.setOutput(0, gi.splat(RankedTensorType::get(*shape, et), value));
  return success();
}

void checkConstant(const onnx::NodeProto &node, std::vector<std::string> &problems) {
  for (const auto &a : node.attribute()) {
    if (a.name() == "sparse_value" || a.name() == "value_string" ||
        a.name() == "value_strings") {
      problems.push_back("Constant with '" + a.name() + "' is not supported");
    }
  }
}

LogicalResult importConstant(GraphImporter &gi) {
  OpBuilder &b = gi.builder();
  if (const onnx::AttributeProto *a = gi.attr("value")) {
    onnx::TensorProto copy = a->t();
    std::string error;
    FailureOr<ElementsAttr> attr =
        importTensorProto(copy, gi.context(), gi.options(), gi.modelDirectory(), error);
    if (failed(attr)) {
      return gi.error() << "value " << error;
    }
    gi.setOutput(0, ConstantOp::create(b, gi.loc(), cast<RankedTensorType>(attr->getType()),
                                       *attr));
    return success();
  }
  auto fromValues = [&](Type et, ArrayRef<double> vals, bool isScalar) {
    SmallVector<int64_t> shape;
    if (!isScalar) {
      shape.push_back(static_cast<int64_t>(vals.size()));
    }
    interp::Tensor t(et, shape);
    for (auto [i, v] : llvm::enumerate(vals)) {
      t.setDouble(static_cast<int64_t>(i), v);
    }
    return t;
  };
  if (const onnx::AttributeProto *a = gi.attr("value_float")) {
    gi.setOutput(0, gi.constant(fromValues(b.getF32Type(), {a->f()}, true)));
  } else if (const onnx::AttributeProto *a = gi.attr("value_int")) {
    interp::Tensor t(b.getI64Type(), {});
    t.ints()[0] = a->i();
    gi.setOutput(0, gi.constant(t));
  } else if (const onnx::AttributeProto *a = gi.attr("value_floats")) {
    SmallVector<double> v(a->floats().begin(), a->floats().end());
    gi.setOutput(0, gi.constant(fromValues(b.getF32Type(), v, false)));
  } else if (const onnx::AttributeProto *a = gi.attr("value_ints")) {
    interp::Tensor t(b.getI64Type(), {static_cast<int64_t>(a->ints_size())});
    for (int i = 0; i < a->ints_size(); ++i) {
      t.ints()[i] = a->ints(i);
    }
    gi.setOutput(0, gi.constant(t));
  } else {
    return gi.error() << "has no value attribute";
  }
  return success();
}

LogicalResult importRange(GraphImporter &gi) {
  FailureOr<double> sv = gi.constantScalar(0, "start");
  FailureOr<double> lv = failed(sv) ? sv : gi.constantScalar(1, "limit");
  FailureOr<double> dv = failed(lv) ? lv : gi.constantScalar(2, "delta");
  if (failed(dv)) {
    return failure();
  }
  std::optional<interp::Tensor> start = gi.constantInput(0);
  double s = *sv, l = *lv, d = *dv;
  if (d == 0) {
    return gi.error() << "delta must not be 0";
  }
  // Converting a NaN or out-of-range count to int64 is undefined (x86 gives INT64_MIN,
  // i.e. a silently empty result): reject such counts first.
  double count = std::ceil((l - s) / d);
  if (std::isnan(count)) {
    return gi.error() << "start " << s << ", limit " << l << " and delta " << d
                      << " give no element count (NaN)";
  }
  if (count >= 9.2e18) {
    return gi.error() << "start " << s << ", limit " << l << " and delta " << d << " give "
                      << count << " elements, more than int64 can count";
  }
  int64_t n = count <= 0 ? 0 : static_cast<int64_t>(count);
  if (failed(gi.checkSize({n}, start->getElementType(), "the result"))) {
    return failure();
  }
  interp::Tensor t(start->getElementType(), {n});
  for (int64_t i = 0; i < n; ++i) {
    t.setDouble(i, s + i * d);
  }
  gi.setOutput(0, gi.constant(t));
  return success();
}

} // namespace

void registerTensorOps(OpTable &t) {
  t["Concat"] = {importConcat};
  t["Constant"] = {importConstant, checkConstant};
  t["ConstantOfShape"] = {importConstantOfShape};
  t["Expand"] = {importExpand};
  t["Flatten"] = {importFlatten};
  t["Gather"] = {importGather};
  t["Pad"] = {importPad, checkPad};
  t["Range"] = {importRange};
  t["Reshape"] = {importReshape};
  t["Shape"] = {importShape};
  t["Size"] = {importSize};
  t["Slice"] = {importSlice};
  t["Split"] = {importSplit};
  t["Squeeze"] = {importSqueeze};
  t["Transpose"] = {importTranspose};
  t["Unsqueeze"] = {importUnsqueeze};
}

} // namespace kiln::onnx_import
