//===- GraphImporter.cpp - the graph walk, values, attributes, op building -===//
//
// One func.func @main per model: graph inputs become arguments (named by a `kiln.name`
// argument attribute), initializers become kiln.constant, nodes become kiln ops located
// at `loc("NODE_NAME"("OP_TYPE"))`, graph outputs become the results.
//
//===----------------------------------------------------------------------------===//
#include "lib/onnx/GraphImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

#include <limits>

using namespace mlir;

namespace kiln::onnx_import {

/// Ops whose operands are all constant are evaluated at import time if their results
/// are at most this large (shape arithmetic, small weight reshapes).
static constexpr int64_t kFoldResultLimit = 1 << 16;
static constexpr int64_t kFoldOperandLimit = 1 << 22;

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node, StringRef name) {
  for (const auto &a : node.attribute()) {
    if (a.name() == name) {
      return &a;
    }
  }
  return nullptr;
}

int64_t getIntAttr(const onnx::NodeProto &node, StringRef name, int64_t def) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a && a->has_i() ? a->i() : def;
}

std::string getStringAttr(const onnx::NodeProto &node, StringRef name, StringRef def) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a && a->has_s() ? a->s() : def.str();
}

const OpTable &getOpTable() {
  static const OpTable table = [] {
    OpTable t;
    registerElementwiseOps(t);
    registerNeuralNetOps(t);
    registerTensorOps(t);
    return t;
  }();
  return table;
}

GraphImporter::GraphImporter(MLIRContext &ctx, const ImportOptions &options,
                             std::string modelDir)
    : b(&ctx), opts(options), modelDir(std::move(modelDir)), currentLoc(b.getUnknownLoc()) {}

InFlightDiagnostic GraphImporter::error() {
  return emitError(currentLoc) << "onnx import: node '" << currentName << "' ("
                               << current->op_type() << "): ";
}

//===----------------------------------------------------------------------------===//
// Inputs, attributes, outputs
//===----------------------------------------------------------------------------===//

bool GraphImporter::hasInput(int64_t i) const {
  return i < current->input_size() && !current->input(i).empty();
}

FailureOr<Value> GraphImporter::input(int64_t i) {
  if (!hasInput(i)) {
    return error() << "input " << i << " is required but missing";
  }
  auto it = values.find(current->input(i));
  if (it == values.end()) {
    return error() << "input '" << current->input(i)
                   << "' is not produced by any earlier node, initializer or graph input "
                      "(the graph has a cycle or an undefined input)";
  }
  return it->second;
}

RankedTensorType GraphImporter::inputType(int64_t i) {
  return cast<RankedTensorType>(values.lookup(current->input(i)).getType());
}

std::optional<interp::Tensor> GraphImporter::constantInput(int64_t i) {
  if (!hasInput(i)) {
    return std::nullopt;
  }
  Value v = values.lookup(current->input(i));
  auto c = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!c) {
    return std::nullopt;
  }
  FailureOr<interp::Tensor> t = interp::tensorFromAttr(c.getValue(), c.getType());
  if (failed(t)) {
    return std::nullopt;
  }
  return *t;
}

FailureOr<SmallVector<int64_t>> GraphImporter::constantInts(int64_t i, StringRef what) {
  if (failed(input(i))) {
    return failure();
  }
  std::optional<interp::Tensor> t = constantInput(i);
  if (!t) {
    return error() << what << " (input '" << current->input(i)
                   << "') must be a constant once shapes are known, but it is computed "
                      "from graph inputs; fix dynamic dims with --input-shape NAME=DIMS";
  }
  SmallVector<int64_t> out;
  for (int64_t k = 0, e = t->getNumElements(); k < e; ++k) {
    out.push_back(t->isFloat() ? static_cast<int64_t>(t->floats()[k]) : t->ints()[k]);
  }
  return out;
}

FailureOr<double> GraphImporter::constantScalar(int64_t i, StringRef what) {
  if (failed(input(i))) {
    return failure();
  }
  std::optional<interp::Tensor> t = constantInput(i);
  if (!t || t->getNumElements() != 1) {
    return error() << what << " (input '" << current->input(i)
                   << "') must be a one-element constant";
  }
  return t->getDouble(0);
}

const onnx::AttributeProto *GraphImporter::attr(StringRef name) const {
  return findAttr(*current, name);
}

int64_t GraphImporter::intAttr(StringRef name, int64_t def) const {
  return getIntAttr(*current, name, def);
}

float GraphImporter::floatAttr(StringRef name, float def) const {
  const onnx::AttributeProto *a = attr(name);
  return a && a->has_f() ? a->f() : def;
}

std::string GraphImporter::stringAttr(StringRef name, StringRef def) const {
  return getStringAttr(*current, name, def);
}

SmallVector<int64_t> GraphImporter::intsAttr(StringRef name, ArrayRef<int64_t> def) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a) {
    return SmallVector<int64_t>(def.begin(), def.end());
  }
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

FailureOr<int64_t> GraphImporter::requiredIntAttr(StringRef name) {
  const onnx::AttributeProto *a = attr(name);
  if (!a) {
    return error() << "required attribute '" << name << "' is missing";
  }
  if (a->type() != onnx::AttributeProto::INT) {
    return error() << "attribute '" << name << "' must be an int";
  }
  return a->i();
}

bool GraphImporter::outputUsed(int64_t i) const {
  return i < current->output_size() && !current->output(i).empty() &&
         useCounts.lookup(current->output(i)) > 0;
}

void GraphImporter::setOutput(int64_t i, Value v) {
  if (i < current->output_size() && !current->output(i).empty()) {
    values[current->output(i)] = v;
  }
}

FailureOr<int64_t> GraphImporter::normalizeAxis(int64_t axis, int64_t rank, StringRef what,
                                                bool inclusive) {
  int64_t hi = inclusive ? rank + 1 : rank;
  if (axis < -hi || axis >= hi) {
    return error() << what << " " << axis << " is out of range for rank " << rank;
  }
  return axis < 0 ? axis + hi : axis;
}

//===----------------------------------------------------------------------------===//
// Building
//===----------------------------------------------------------------------------===//

LogicalResult GraphImporter::checkSize(ArrayRef<int64_t> shape, Type et, StringRef what) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) {
      return error() << what << " has a dynamic or negative dim";
    }
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) {
      return error() << what << " has dims whose product overflows int64";
    }
    n *= d;
  }
  Type st = getStorageElementType(et);
  int64_t eb = st.isIntOrFloat() ? std::max<int64_t>(1, st.getIntOrFloatBitWidth() / 8) : 8;
  if (n > opts.maxTensorBytes / eb) {
    return error() << what << " would take " << n << " x " << eb
                   << " bytes, above the limit of " << opts.maxTensorBytes
                   << " bytes (raise it with --max-tensor-bytes)";
  }
  return success();
}

FailureOr<Value> GraphImporter::finish(Operation *op, bool inferTypes) {
  FailureOr<SmallVector<Value>> results = finishAll(op, inferTypes);
  if (failed(results)) {
    return failure();
  }
  return results->front();
}

FailureOr<SmallVector<Value>> GraphImporter::finishAll(Operation *op, bool inferTypes) {
  if (inferTypes) {
    auto iface = dyn_cast<InferTypeOpInterface>(op);
    SmallVector<Type> types;
    if (!iface ||
        failed(iface.inferReturnTypes(op->getContext(), op->getLoc(), op->getOperands(),
                                      op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
                                      op->getRegions(), types)) ||
        types.size() != op->getNumResults()) {
      op->erase();
      return error() << "shapes or types of the inputs do not fit (see the error above)";
    }
    for (auto [r, t] : llvm::zip(op->getResults(), types)) {
      r.setType(t);
    }
  }
  for (Type t : op->getResultTypes()) {
    auto rt = cast<RankedTensorType>(t);
    if (failed(checkSize(rt.getShape(), rt.getElementType(), "the result"))) {
      op->erase();
      return failure();
    }
  }
  if (failed(mlir::verify(op, /*verifyRecursively=*/false))) {
    op->erase();
    return error() << "the kiln op built for this node is invalid (see the error above)";
  }
  // Fold ops on constants by evaluating them: this removes shape arithmetic.
  bool allConstant = op->getNumOperands() > 0;
  int64_t operandElements = 0;
  for (Value v : op->getOperands()) {
    allConstant &= static_cast<bool>(v.getDefiningOp<ConstantOp>());
    operandElements += *getNumElements(cast<ShapedType>(v.getType()));
  }
  int64_t resultElements = 0;
  for (Type t : op->getResultTypes()) {
    resultElements += *getNumElements(cast<ShapedType>(t));
  }
  if (!allConstant || isa<ConstantOp>(op) || resultElements > kFoldResultLimit ||
      operandElements > kFoldOperandLimit) {
    return SmallVector<Value>(op->getResults());
  }
  SmallVector<interp::Tensor> operands, results;
  for (Value v : op->getOperands()) {
    auto c = v.getDefiningOp<ConstantOp>();
    FailureOr<interp::Tensor> t = interp::tensorFromAttr(c.getValue(), c.getType());
    if (failed(t)) {
      return SmallVector<Value>(op->getResults());
    }
    operands.push_back(std::move(*t));
  }
  if (failed(interp::evaluateOp(op, operands, results))) {
    op->erase();
    return error() << "evaluating this node on its constant inputs failed (see above)";
  }
  SmallVector<Value> folded;
  for (const interp::Tensor &t : results) {
    folded.push_back(constant(t));
  }
  op->erase();
  return folded;
}

Value GraphImporter::constant(const interp::Tensor &t) {
  RankedTensorType type = t.getType();
  return ConstantOp::create(b, currentLoc, type, interp::tensorToAttr(t, type));
}

Value GraphImporter::splat(RankedTensorType type, double value) {
  interp::Tensor t(type.getElementType(), {});
  t.setDouble(0, value);
  RankedTensorType scalarType = t.getType();
  DenseElementsAttr one = interp::tensorToAttr(t, scalarType);
  Type st = one.getElementType();
  auto attr = DenseElementsAttr::get(RankedTensorType::get(type.getShape(), st),
                                     one.getSplatValue<Attribute>());
  return ConstantOp::create(b, currentLoc, type, cast<ElementsAttr>(attr));
}

Value GraphImporter::scalar(Type et, double value) {
  return splat(RankedTensorType::get({}, et), value);
}

FailureOr<Value> GraphImporter::reshape(Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape) {
    return v;
  }
  return createTyped<ReshapeOp>(RankedTensorType::get(shape, type.getElementType()), v);
}

FailureOr<Value> GraphImporter::broadcastTo(Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape) {
    return v;
  }
  return createTyped<BroadcastToOp>(RankedTensorType::get(shape, type.getElementType()), v);
}

FailureOr<Value> GraphImporter::castTo(Value v, Type elementType) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elementType) {
    return v;
  }
  return createTyped<CastOp>(RankedTensorType::get(type.getShape(), elementType), v);
}

//===----------------------------------------------------------------------------===//
// The graph
//===----------------------------------------------------------------------------===//

FailureOr<RankedTensorType> GraphImporter::importValueType(const onnx::ValueInfoProto &info,
                                                           bool isGraphInput) {
  const std::string &name = info.name();
  if (!info.type().has_tensor_type()) {
    return emitError(currentLoc) << "onnx import: graph " << (isGraphInput ? "input" : "output")
                                 << " '" << name
                                 << "' is not a tensor (sequences, maps and optionals are "
                                    "not supported)";
  }
  const auto &tt = info.type().tensor_type();
  Type et = getElementType(context(), tt.elem_type());
  if (!et) {
    return emitError(currentLoc) << "onnx import: graph input '" << name << "' has element type "
                                 << getOnnxTypeName(tt.elem_type())
                                 << ", which kiln does not support";
  }
  SmallVector<int64_t> shape;
  auto fixed = opts.inputShapes.find(name);
  if (!tt.has_shape()) {
    if (fixed == opts.inputShapes.end()) {
      return emitError(currentLoc) << "onnx import: graph input '" << name
                                   << "' has no shape; give one with --input-shape " << name
                                   << "=DIMS";
    }
    shape.assign(fixed->second.begin(), fixed->second.end());
  } else {
    const auto &dims = tt.shape().dim();
    if (fixed != opts.inputShapes.end() &&
        static_cast<size_t>(dims.size()) != fixed->second.size()) {
      return emitError(currentLoc) << "onnx import: --input-shape " << name << " gives rank "
                                   << fixed->second.size() << " but the input has rank "
                                   << dims.size();
    }
    for (int k = 0; k < dims.size(); ++k) {
      const auto &d = dims.Get(k);
      bool known = d.has_dim_value() && d.dim_value() >= 0;
      if (fixed != opts.inputShapes.end()) {
        int64_t want = fixed->second[k];
        if (known && d.dim_value() != want) {
          return emitError(currentLoc)
                 << "onnx import: --input-shape " << name << " sets dim " << k << " to "
                 << want << " but the model fixes it to " << d.dim_value();
        }
        shape.push_back(want);
      } else if (known) {
        shape.push_back(d.dim_value());
      } else {
        return emitError(currentLoc)
               << "onnx import: graph input '" << name << "' has dynamic dim " << k
               << (d.has_dim_param() ? " ('" + d.dim_param() + "')" : std::string())
               << "; fix it with --input-shape " << name << "=DIMS (e.g. 1x3x224x224)";
      }
    }
  }
  current = nullptr;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d != 0 && n > std::numeric_limits<int64_t>::max() / d)) {
      return emitError(currentLoc) << "onnx import: graph input '" << name
                                   << "' has dims whose product overflows int64";
    }
    n *= d;
  }
  int64_t eb = std::max<unsigned>(1, et.getIntOrFloatBitWidth() / 8);
  if (n > opts.maxTensorBytes / eb) {
    return emitError(currentLoc) << "onnx import: graph input '" << name << "' needs " << n
                                 << " x " << eb << " bytes, above the limit of "
                                 << opts.maxTensorBytes << " (raise it with --max-tensor-bytes)";
  }
  return RankedTensorType::get(shape, et);
}

OwningOpRef<ModuleOp> GraphImporter::import(onnx::ModelProto &model, StringRef path) {
  modelPath = path.str();
  onnx::GraphProto &graph = *model.mutable_graph();
  currentLoc = FileLineColLoc::get(b.getStringAttr(path), 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(currentLoc);

  llvm::StringSet<> initializerNames;
  for (const auto &init : graph.initializer()) {
    initializerNames.insert(init.name());
  }
  for (const auto &node : graph.node()) {
    for (const std::string &in : node.input()) {
      if (!in.empty()) {
        ++useCounts[in];
      }
    }
  }
  for (const auto &out : graph.output()) {
    ++useCounts[out.name()];
  }

  // Arguments: graph inputs that are not initializers.
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  llvm::StringSet<> inputNames;
  SmallVector<std::pair<std::string, RankedTensorType>> frozen;
  for (const auto &in : graph.input()) {
    if (initializerNames.contains(in.name())) {
      continue;
    }
    auto constant = opts.constantInputs.find(in.name());
    if (constant != opts.constantInputs.end()) {
      const io::HostTensor &host = constant->second;
      Type et = in.type().has_tensor_type()
                    ? getElementType(context(), in.type().tensor_type().elem_type())
                    : Type();
      if (!et) {
        emitError(currentLoc) << "onnx import: constant input '" << in.name()
                              << "' is not a tensor of a supported element type";
        return nullptr;
      }
      frozen.push_back({in.name(), RankedTensorType::get(host.shape, et)});
      inputNames.insert(in.name());
      continue;
    }
    FailureOr<RankedTensorType> type = importValueType(in, /*isGraphInput=*/true);
    if (failed(type)) {
      return nullptr;
    }
    argTypes.push_back(*type);
    argNames.push_back(in.name());
    inputNames.insert(in.name());
  }
  for (const auto &[name, value] : opts.constantInputs) {
    if (!inputNames.contains(name)) {
      emitError(currentLoc) << "onnx import: a constant value is given for '" << name
                            << "', which is not a graph input";
      return nullptr;
    }
  }
  for (const auto &[name, dims] : opts.inputShapes) {
    if (!inputNames.contains(name)) {
      std::string known;
      for (const std::string &n : argNames) {
        known += (known.empty() ? "" : ", ") + n;
      }
      emitError(currentLoc) << "onnx import: --input-shape names '" << name
                            << "', which is not a graph input (inputs: " << known << ")";
      return nullptr;
    }
  }

  b.setInsertionPointToEnd(module->getBody());
  auto fn = func::FuncOp::create(b, currentLoc, "main", b.getFunctionType(argTypes, {}));
  Block *body = fn.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    fn.setArgAttr(i, "kiln.name", b.getStringAttr(name));
    values[name] = body->getArgument(i);
  }
  b.setInsertionPointToEnd(body);
  for (const auto &[name, type] : frozen) {
    std::string error;
    FailureOr<interp::Tensor> value =
        interp::fromHost(opts.constantInputs.at(name), type, error);
    if (failed(value)) {
      emitError(currentLoc) << "onnx import: constant input '" << name << "': " << error;
      return nullptr;
    }
    values[name] = ConstantOp::create(b, NameLoc::get(b.getStringAttr(name), currentLoc), type,
                                      interp::tensorToAttr(*value, type));
  }

  if (failed(importInitializers(graph))) {
    return nullptr;
  }
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    if (failed(importNode(node, static_cast<int64_t>(i)))) {
      return nullptr;
    }
  }

  currentLoc = FileLineColLoc::get(b.getStringAttr(path), 0, 0);
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &out : graph.output()) {
    Value v = values.lookup(out.name());
    if (!v) {
      emitError(currentLoc) << "onnx import: graph output '" << out.name()
                            << "' is not produced by any node, initializer or input";
      return nullptr;
    }
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  func::ReturnOp::create(b, currentLoc, results);
  fn.setFunctionType(b.getFunctionType(argTypes, resultTypes));
  for (auto [i, out] : llvm::enumerate(graph.output())) {
    fn.setResultAttr(i, "kiln.name", b.getStringAttr(out.name()));
  }

  // Drop constants nothing uses (initializers consumed at import time, folded inputs).
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*body))) {
    if (isa<ConstantOp>(op) && op.use_empty()) {
      op.erase();
    }
  }
  return module;
}

LogicalResult GraphImporter::importInitializers(onnx::GraphProto &graph) {
  for (onnx::TensorProto &init : *graph.mutable_initializer()) {
    if (useCounts.lookup(init.name()) == 0) {
      continue; // dead weight: never read it
    }
    std::string error;
    FailureOr<ElementsAttr> attr = importTensorProto(init, context(), opts, modelDir, error);
    if (failed(attr)) {
      return emitError(currentLoc) << "onnx import: initializer '" << init.name() << "' "
                                   << error;
    }
    auto type = cast<RankedTensorType>(attr->getType());
    values[init.name()] = ConstantOp::create(
        b, NameLoc::get(b.getStringAttr(init.name()), currentLoc), type, *attr);
  }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node, int64_t index) {
  current = &node;
  currentName = node.name().empty() ? node.op_type() + "_" + std::to_string(index)
                                    : node.name();
  currentLoc = NameLoc::get(b.getStringAttr(currentName),
                            NameLoc::get(b.getStringAttr(node.op_type())));
  if (!node.domain().empty() && node.domain() != "ai.onnx") {
    return error() << "domain '" << node.domain() << "' is not supported";
  }
  const OpTable &table = getOpTable();
  auto it = table.find(node.op_type());
  if (it == table.end()) {
    return error() << "op type is not supported; run kiln-translate --check to list all "
                      "unsupported ops";
  }
  for (int64_t i = 0; i < node.input_size(); ++i) {
    if (!node.input(i).empty() && failed(input(i))) {
      return failure();
    }
  }
  if (it->second.checker) {
    std::vector<std::string> problems;
    it->second.checker(node, problems);
    if (!problems.empty()) {
      return error() << problems.front();
    }
  }
  if (failed(it->second.handler(*this))) {
    return failure();
  }
  for (int64_t i = 0; i < node.output_size(); ++i) {
    if (!node.output(i).empty() && useCounts.lookup(node.output(i)) > 0 &&
        !values.count(node.output(i))) {
      return error() << "output " << i << " ('" << node.output(i)
                     << "') is used but this form of the op does not produce it";
    }
  }
  return success();
}

} // namespace kiln::onnx_import
