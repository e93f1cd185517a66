//===- ModelLoader.cpp - read, check, upgrade and import an ONNX file ------===//
//
// The stages before the graph walk: a streaming protobuf parse (no second copy of the
// file), a support check that lists every problem at once, the ONNX checker, the upgrade
// to opset 17 (with initializer data kept out of the converter's copy), and ONNX shape
// inference. Every ONNX library call is wrapped: the library throws on bad input.
//
//===----------------------------------------------------------------------------===//
#include "lib/onnx/GraphImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <fcntl.h>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace mlir;

namespace kiln::onnx_import {

static constexpr int64_t kTargetOpset = 17;

bool parseInputShape(const std::string &spec, ImportOptions &options, std::string &error) {
  size_t eq = spec.rfind('=');
  if (eq == std::string::npos || eq == 0) {
    error = "--input-shape '" + spec + "' is not NAME=DIMS (e.g. input=1x3x224x224)";
    return false;
  }
  std::string name = spec.substr(0, eq), dims = spec.substr(eq + 1);
  std::vector<int64_t> shape;
  if (!dims.empty() && dims != "scalar") {
    std::stringstream ss(dims);
    std::string part;
    while (std::getline(ss, part, 'x')) {
      char *end = nullptr;
      errno = 0;
      long long v = std::strtoll(part.c_str(), &end, 10);
      if (part.empty() || *end != '\0' || errno != 0 || v < 0) {
        error = "--input-shape " + name + ": '" + part + "' is not a non-negative dim";
        return false;
      }
      shape.push_back(v);
    }
  }
  options.inputShapes[name] = shape;
  return true;
}

/// Streams the file into `model` (protobuf keeps one copy of the weights, ours).
static bool readModel(const std::string &path, onnx::ModelProto &model, std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) {
    error = "cannot open '" + path + "'";
    return false;
  }
  bool ok;
  {
    google::protobuf::io::FileInputStream raw(fd);
    google::protobuf::io::CodedInputStream coded(&raw);
    coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
    ok = model.ParseFromCodedStream(&coded) && coded.ConsumedEntireMessage();
  }
  ::close(fd);
  if (!ok) {
    error = "'" + path + "' is not a valid ONNX model (protobuf parse failed: truncated "
            "or not a ModelProto; files over 2 GiB need external data)";
    return false;
  }
  if (!model.has_ir_version() || !model.has_graph()) {
    error = "'" + path + "' is not an ONNX model (no ir_version or no graph)";
    return false;
  }
  return true;
}

static int64_t getDefaultOpset(const onnx::ModelProto &model) {
  for (const auto &o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      return o.version();
    }
  }
  return 0;
}

//===----------------------------------------------------------------------------===//
// Support check
//===----------------------------------------------------------------------------===//

namespace {
/// Collects problems keyed by (kind, what, detail) with the nodes where they occur.
struct ProblemSet {
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::string>> map;
  void add(const std::string &kind, const std::string &what, const std::string &detail,
           const std::string &where) {
    map[{kind, what, detail}].push_back(where);
  }
  void into(std::vector<Problem> &out) const {
    for (const auto &[key, nodes] : map) {
      out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), nodes});
    }
  }
};
} // namespace

static std::string nodeLabel(const onnx::NodeProto &node, int index) {
  return node.name().empty() ? node.op_type() + "_" + std::to_string(index) : node.name();
}

static void checkValueType(MLIRContext *ctx, const onnx::TypeProto &type,
                           const std::string &where, ProblemSet &problems) {
  if (!type.has_tensor_type()) {
    problems.add("dtype", "non-tensor value", "sequences, maps and optionals are not supported",
                 where);
    return;
  }
  int32_t et = type.tensor_type().elem_type();
  if (et != 0 && !getElementType(ctx, et)) {
    problems.add("dtype", getOnnxTypeName(et), "kiln has no such element type", where);
  }
}

static void collectProblems(MLIRContext *ctx, const onnx::ModelProto &model,
                            ProblemSet &problems) {
  int64_t opset = getDefaultOpset(model);
  if (opset == 0) {
    problems.add("opset", "none", "the model imports no default-domain opset", "model");
  } else if (opset > kTargetOpset) {
    problems.add("opset", std::to_string(opset),
                 "kiln reads opsets up to 17 (ONNX 1.12); re-export with opset_version=17",
                 "model");
  }
  const onnx::GraphProto &g = model.graph();
  for (const auto &v : g.input()) {
    checkValueType(ctx, v.type(), v.name(), problems);
  }
  for (const auto &v : g.output()) {
    checkValueType(ctx, v.type(), v.name(), problems);
  }
  for (const auto &t : g.initializer()) {
    if (!getElementType(ctx, t.data_type())) {
      problems.add("dtype", getOnnxTypeName(t.data_type()), "kiln has no such element type",
                   t.name());
    }
  }
  const OpTable &table = getOpTable();
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto &node = g.node(i);
    std::string label = nodeLabel(node, i);
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      problems.add("domain", node.domain(),
                   "only the default ONNX domain is supported (op " + node.op_type() + ")",
                   label);
      continue;
    }
    auto it = table.find(node.op_type());
    if (it == table.end()) {
      problems.add("op", node.op_type(), "no kiln import for this op", label);
      continue;
    }
    if (it->second.checker) {
      std::vector<std::string> found;
      it->second.checker(node, found);
      for (const std::string &p : found) {
        problems.add("attribute", node.op_type(), p, label);
      }
    }
  }
}

static std::string summarize(const std::vector<Problem> &problems) {
  std::string s;
  for (const Problem &p : problems) {
    s += "\n  " + p.kind + " " + p.what + ": " + p.detail + " (" +
         std::to_string(p.nodes.size()) + "x: ";
    for (size_t i = 0; i < p.nodes.size() && i < 5; ++i) {
      s += (i ? ", " : "") + p.nodes[i];
    }
    s += p.nodes.size() > 5 ? ", ...)" : ")";
  }
  return s;
}

//===----------------------------------------------------------------------------===//
// Import
//===----------------------------------------------------------------------------===//

/// Upgrades to opset 17. The converter copies the whole model, so initializer bytes are
/// moved aside first and moved back after.
static bool upgradeOpset(onnx::ModelProto &model, std::string &error) {
  int64_t opset = getDefaultOpset(model);
  if (opset >= kTargetOpset) {
    return true;
  }
  std::map<std::string, std::string> stash;
  for (auto &init : *model.mutable_graph()->mutable_initializer()) {
    if (init.has_raw_data()) {
      stash[init.name()].swap(*init.mutable_raw_data());
    }
  }
  auto restore = [&](onnx::ModelProto &m) {
    for (auto &init : *m.mutable_graph()->mutable_initializer()) {
      auto it = stash.find(init.name());
      if (it != stash.end()) {
        init.mutable_raw_data()->swap(it->second);
      }
    }
  };
  try {
    onnx::ModelProto upgraded = onnx::version_conversion::ConvertVersion(model, kTargetOpset);
    restore(upgraded);
    model.Swap(&upgraded);
  } catch (const std::exception &e) {
    restore(model);
    error = "upgrading from opset " + std::to_string(opset) + " to 17 failed: " + e.what();
    return false;
  }
  return true;
}

OwningOpRef<ModuleOp> importOnnxFile(MLIRContext &context, const std::string &path,
                                     const ImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  onnx::ModelProto model;
  std::string error;
  if (!readModel(path, model, error)) {
    emitError(fileLoc) << "onnx import: " << error;
    return nullptr;
  }
  ProblemSet problems;
  collectProblems(&context, model, problems);
  if (!problems.map.empty()) {
    std::vector<Problem> list;
    problems.into(list);
    emitError(fileLoc) << "onnx import: the model uses " << list.size()
                       << " unsupported feature(s); nothing was imported:" << summarize(list)
                       << "\n(kiln-translate --check lists them as JSON with --json)";
    return nullptr;
  }
  std::string dir = llvm::sys::path::parent_path(path).str();
  if (dir.empty()) {
    dir = ".";
  }
  // Fixed input shapes go into the model so the checker and shape inference see them.
  // A spec whose rank or fixed dims disagree with the model is left alone: the importer
  // reports it with names.
  for (auto &in : *model.mutable_graph()->mutable_input()) {
    auto it = options.inputShapes.find(in.name());
    if (it == options.inputShapes.end() || !in.type().has_tensor_type()) {
      continue;
    }
    auto *shape = in.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (shape->dim_size() != 0 && static_cast<size_t>(shape->dim_size()) != it->second.size()) {
      continue;
    }
    bool conflict = false;
    for (int k = 0; k < shape->dim_size(); ++k) {
      const auto &d = shape->dim(k);
      conflict |= d.has_dim_value() && d.dim_value() >= 0 && d.dim_value() != it->second[k];
    }
    if (conflict) {
      continue;
    }
    shape->clear_dim();
    for (int64_t d : it->second) {
      shape->add_dim()->set_dim_value(d);
    }
  }
  // The 1.12 checker insists on a shape for every graph input and output although ONNX
  // allows values of unknown shape (and its message names neither): give such values a
  // placeholder for the check only. The importer asks for --input-shape by name.
  std::vector<onnx::ValueInfoProto *> shapeless;
  for (auto *values : {model.mutable_graph()->mutable_input(),
                       model.mutable_graph()->mutable_output()}) {
    for (auto &v : *values) {
      if (v.type().has_tensor_type() && !v.type().tensor_type().has_shape()) {
        v.mutable_type()->mutable_tensor_type()->mutable_shape();
        shapeless.push_back(&v);
      }
    }
  }
  // The 1.12 checker looks for external data relative to the working directory
  // (check_model(ModelProto) knows no model folder): point relative locations into the
  // model's folder for the check only. importTensorProto validates the real location.
  std::vector<std::pair<onnx::StringStringEntryProto *, std::string>> relocated;
  auto relocate = [&](onnx::TensorProto &t) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL) {
      return;
    }
    for (auto &kv : *t.mutable_external_data()) {
      if (kv.key() == "location" && !kv.value().empty() &&
          !llvm::sys::path::is_absolute(kv.value())) {
        llvm::SmallString<256> joined(dir);
        llvm::sys::path::append(joined, kv.value());
        relocated.push_back({&kv, kv.value()});
        kv.set_value(std::string(joined));
      }
    }
  };
  for (auto &init : *model.mutable_graph()->mutable_initializer()) {
    relocate(init);
  }
  for (auto &node : *model.mutable_graph()->mutable_node()) {
    for (auto &a : *node.mutable_attribute()) {
      if (a.has_t()) {
        relocate(*a.mutable_t());
      }
    }
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    emitError(fileLoc) << "onnx import: the ONNX checker rejects the model: " << e.what();
    return nullptr;
  }
  for (onnx::ValueInfoProto *v : shapeless) {
    v->mutable_type()->mutable_tensor_type()->clear_shape();
  }
  for (auto &[kv, location] : relocated) {
    kv->set_value(location);
  }
  // Some upgrade adapters (Softmax 12 -> 13) need shapes: infer before and after.
  if (getDefaultOpset(model) < kTargetOpset) {
    try {
      onnx::ShapeInferenceOptions siOptions(/*check_type=*/true, /*strict_mode=*/0,
                                            /*data_prop=*/false);
      onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                         siOptions);
    } catch (const std::exception &e) {
      emitError(fileLoc) << "onnx import: ONNX shape inference found a conflict: "
                         << e.what();
      return nullptr;
    }
  }
  if (!upgradeOpset(model, error)) {
    emitError(fileLoc) << "onnx import: " << error;
    return nullptr;
  }
  try {
    onnx::ShapeInferenceOptions siOptions(/*check_type=*/true, /*strict_mode=*/0,
                                          /*data_prop=*/false);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), siOptions);
  } catch (const std::exception &e) {
    emitError(fileLoc) << "onnx import: ONNX shape inference found a conflict: " << e.what();
    return nullptr;
  }
  GraphImporter importer(context, options, dir);
  return importer.import(model, path);
}

//===----------------------------------------------------------------------------===//
// --check
//===----------------------------------------------------------------------------===//

bool checkOnnxFile(const std::string &path, CheckReport &report) {
  report.path = path;
  MLIRContext ctx;
  onnx::ModelProto model;
  std::string error;
  if (!readModel(path, model, error)) {
    report.problems.push_back({"model", "unreadable", error, {path}});
    return false;
  }
  report.numNodes = model.graph().node_size();
  report.opsetVersion = getDefaultOpset(model);
  ProblemSet problems;
  collectProblems(&ctx, model, problems);
  problems.into(report.problems);
  return true;
}

static std::string jsonEscape(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", c);
        out += buf;
      } else {
        out += c;
      }
    }
  }
  return out;
}

std::string formatCheckReport(const CheckReport &report, bool json) {
  std::ostringstream os;
  if (json) {
    os << "{\"model\": \"" << jsonEscape(report.path) << "\", \"nodes\": " << report.numNodes
       << ", \"opset\": " << report.opsetVersion
       << ", \"supported\": " << (report.problems.empty() ? "true" : "false")
       << ", \"problems\": [";
    for (size_t i = 0; i < report.problems.size(); ++i) {
      const Problem &p = report.problems[i];
      os << (i ? ", " : "") << "{\"kind\": \"" << jsonEscape(p.kind) << "\", \"what\": \""
         << jsonEscape(p.what) << "\", \"detail\": \"" << jsonEscape(p.detail)
         << "\", \"count\": " << p.nodes.size() << ", \"nodes\": [";
      for (size_t k = 0; k < p.nodes.size(); ++k) {
        os << (k ? ", " : "") << "\"" << jsonEscape(p.nodes[k]) << "\"";
      }
      os << "]}";
    }
    os << "]}\n";
    return os.str();
  }
  os << report.path << ": " << report.numNodes << " nodes, opset " << report.opsetVersion
     << ": ";
  if (report.problems.empty()) {
    os << "every op, dtype and attribute is supported\n";
    return os.str();
  }
  os << report.problems.size() << " unsupported feature(s)\n";
  for (const Problem &p : report.problems) {
    os << "  " << p.kind << " " << p.what << " (" << p.nodes.size() << "x): " << p.detail
       << "\n    at: ";
    for (size_t k = 0; k < p.nodes.size(); ++k) {
      os << (k ? ", " : "") << p.nodes[k];
    }
    os << "\n";
  }
  return os.str();
}

} // namespace kiln::onnx_import
