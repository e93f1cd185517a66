//===- OnnxImporter.h - ONNX model -> kiln graph -----------------------------===//
//
// The public face of lib/onnx: import a model file into a `func.func @main` of kiln ops,
// or list everything in it kiln cannot import. Neither throws nor aborts on bad input:
// problems are reported as MLIR diagnostics (import) or as a report (check), each naming
// the ONNX node, the stage and what to do.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_ONNX_ONNXIMPORTER_H
#define KILN_LIB_ONNX_ONNXIMPORTER_H

#include "lib/tensorio/TensorIO.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kiln::onnx_import {

struct ImportOptions {
  /// Fixes the shapes of graph inputs (like trtexec --shapes): NAME -> dims.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Graph inputs whose values are known at compile time (like TensorRT's shape-tensor
  /// values): they become constants, so shape arithmetic on them folds away.
  std::map<std::string, io::HostTensor> constantInputs;
  /// Largest tensor (initializer, input, or any value the graph computes) accepted, in
  /// bytes. Protects against models whose dims ask for absurd allocations.
  int64_t maxTensorBytes = int64_t(16) << 30;
  /// Constants with at most this many elements are kept inline (`dense<...>`) so they
  /// print and fold; larger ones become `dense_resource` blobs.
  int64_t inlineConstantLimit = 16;
};

/// Parses `NAME=1x3x224x224` into `options.inputShapes`; false + message on bad syntax.
bool parseInputShape(const std::string &spec, ImportOptions &options, std::string &error);

/// Reads, checks (ONNX checker, opset, unsupported ops), upgrades to opset 17, infers
/// shapes and imports the model at `path`. On failure, diagnostics were emitted through
/// `context` and the result is null.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(mlir::MLIRContext &context,
                                                 const std::string &path,
                                                 const ImportOptions &options);

/// One thing in a model kiln cannot import.
struct Problem {
  std::string kind;   // "op", "opset", "domain", "dtype", "attribute", "model"
  std::string what;   // e.g. "NonMaxSuppression", "opset 18", "string"
  std::string detail; // why, and what to do
  std::vector<std::string> nodes; // node names (or value names) where it occurs
};

struct CheckReport {
  std::string path;
  int64_t numNodes = 0;
  int64_t opsetVersion = 0;
  std::vector<Problem> problems; // merged: one entry per (kind, what, detail)
};

/// Lists, without importing, every unsupported op, opset, domain, dtype and attribute
/// value. Returns false only if the file cannot be read as a model at all (then the
/// report holds one "model" problem).
bool checkOnnxFile(const std::string &path, CheckReport &report);
/// Human-readable (one block per problem, with counts and node names) or JSON.
std::string formatCheckReport(const CheckReport &report, bool json);

} // namespace kiln::onnx_import

#endif // KILN_LIB_ONNX_ONNXIMPORTER_H
