//===- GraphImporter.h - ONNX graph -> kiln ops, shared by the op files ----===//
//
// The importer walks the (checked, opset-17, shape-inferred) graph in order and calls
// one handler per node. Handlers read inputs and attributes through GraphImporter, which
// turns every problem into a diagnostic naming the node, and build kiln ops through
// create<>(), which infers and verifies result types without ever aborting and folds
// ops whose operands are all constants (shape arithmetic disappears this way).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_ONNX_GRAPHIMPORTER_H
#define KILN_LIB_ONNX_GRAPHIMPORTER_H

#include "lib/interp/Interpreter.h"
#include "lib/onnx/OnnxImporter.h"

#include "dialects/kiln/KilnOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/onnx_pb.h"

#include <optional>

namespace kiln::onnx_import {

class GraphImporter;

/// Imports one node; on failure an error naming the node was emitted.
using OpHandler = mlir::LogicalResult (*)(GraphImporter &);
/// Adds to `problems` every attribute/input form of `node` the handler cannot import
/// (used by `--check` and before import, so all problems are listed at once).
using OpChecker = void (*)(const onnx::NodeProto &node, std::vector<std::string> &problems);

struct OpSpec {
  OpHandler handler = nullptr;
  OpChecker checker = nullptr;
};

using OpTable = llvm::StringMap<OpSpec>;
const OpTable &getOpTable();
void registerElementwiseOps(OpTable &table);
void registerNeuralNetOps(OpTable &table);
void registerTensorOps(OpTable &table);

/// Attribute helpers usable without a GraphImporter (checkers).
const onnx::AttributeProto *findAttr(const onnx::NodeProto &node, llvm::StringRef name);
int64_t getIntAttr(const onnx::NodeProto &node, llvm::StringRef name, int64_t def);
std::string getStringAttr(const onnx::NodeProto &node, llvm::StringRef name,
                          llvm::StringRef def);

/// ONNX element type -> MLIR type (null if kiln has none).
mlir::Type getElementType(mlir::MLIRContext *ctx, int32_t onnxType);
/// True if getElementType has an MLIR type for `onnxType` (no context needed).
bool isSupportedOnnxType(int32_t onnxType);
/// "FLOAT", "STRING", ... for messages.
std::string getOnnxTypeName(int32_t onnxType);

class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext &ctx, const ImportOptions &options, std::string modelDir);

  /// Imports the graph of `model` (already prepared: checked, opset 17, shapes inferred).
  /// Initializer raw data is moved out of `model` into resource blobs.
  mlir::OwningOpRef<mlir::ModuleOp> import(onnx::ModelProto &model, llvm::StringRef path);

  //===--- For op handlers ---------------------------------------------------===//

  const onnx::NodeProto &node() const { return *current; }
  mlir::Location loc() const { return currentLoc; }
  mlir::OpBuilder &builder() { return b; }
  mlir::MLIRContext *context() { return b.getContext(); }
  const ImportOptions &options() const { return opts; }
  /// The model file's folder: external data of Constant values resolves against it.
  const std::string &modelDirectory() const { return modelDir; }
  /// An error at the current node: "node 'NAME' (OpType): ..."
  mlir::InFlightDiagnostic error();

  int64_t numInputs() const { return current->input_size(); }
  /// True if input `i` is given (optional inputs may be absent or empty names).
  bool hasInput(int64_t i) const;
  mlir::FailureOr<mlir::Value> input(int64_t i);
  /// The input's type; only valid if hasInput(i) and input(i) succeeded.
  mlir::RankedTensorType inputType(int64_t i);
  /// The input's value if it is a constant (after folding).
  std::optional<interp::Tensor> constantInput(int64_t i);
  /// Integer values of a constant input, or an error saying `what` must be constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>> constantInts(int64_t i, llvm::StringRef what);
  /// A scalar (one-element) constant input as double.
  mlir::FailureOr<double> constantScalar(int64_t i, llvm::StringRef what);

  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t def) const;
  float floatAttr(llvm::StringRef name, float def) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef def) const;
  /// ints attribute, or `def` if absent.
  llvm::SmallVector<int64_t> intsAttr(llvm::StringRef name,
                                      llvm::ArrayRef<int64_t> def = {}) const;
  /// Fails with an error if a required attribute is absent or of the wrong type.
  mlir::FailureOr<int64_t> requiredIntAttr(llvm::StringRef name);

  int64_t numOutputs() const { return current->output_size(); }
  /// True if output `i` exists and feeds a node or a graph output.
  bool outputUsed(int64_t i) const;
  void setOutput(int64_t i, mlir::Value v);

  /// Normalizes `axis` in [-rank, rank) (or [-rank-1, rank] with `inclusive`).
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank, llvm::StringRef what,
                                         bool inclusive = false);

  /// Builds OpTy with inferred result types (never aborts: a shape error becomes a
  /// diagnostic at the node), verifies it and folds it if all operands are constant.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Value> create(Args &&...args) {
    auto op = OpTy::create(b, currentLoc, mlir::TypeRange{b.getNoneType()},
                           std::forward<Args>(args)...);
    return finish(op.getOperation(), /*inferTypes=*/true);
  }
  /// Builds OpTy with an explicit result type, verifies and folds it.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Value> createTyped(mlir::Type resultType, Args &&...args) {
    auto op = OpTy::create(b, currentLoc, resultType, std::forward<Args>(args)...);
    return finish(op.getOperation(), /*inferTypes=*/false);
  }
  /// Infers (optionally), verifies and folds `op`; returns its first result.
  mlir::FailureOr<mlir::Value> finish(mlir::Operation *op, bool inferTypes);
  /// As finish(), for ops with several results (split).
  mlir::FailureOr<llvm::SmallVector<mlir::Value>> finishAll(mlir::Operation *op,
                                                            bool inferTypes);

  mlir::Value constant(const interp::Tensor &t);
  /// A splat constant of `type` (elements converted to its element type).
  mlir::Value splat(mlir::RankedTensorType type, double value);
  /// A scalar (rank 0) constant of element type `et`.
  mlir::Value scalar(mlir::Type et, double value);
  mlir::FailureOr<mlir::Value> reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  mlir::FailureOr<mlir::Value> broadcastTo(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  mlir::FailureOr<mlir::Value> castTo(mlir::Value v, mlir::Type elementType);

  /// Checks a tensor size against the configured limit and int64 overflow.
  mlir::LogicalResult checkSize(llvm::ArrayRef<int64_t> shape, mlir::Type et,
                                llvm::StringRef what);

private:
  mlir::LogicalResult importInitializers(onnx::GraphProto &graph);
  mlir::LogicalResult importNode(const onnx::NodeProto &node, int64_t index);
  mlir::FailureOr<mlir::RankedTensorType> importValueType(const onnx::ValueInfoProto &info,
                                                          bool isGraphInput);

  mlir::OpBuilder b;
  const ImportOptions &opts;
  std::string modelDir;
  std::string modelPath;
  llvm::StringMap<mlir::Value> values;
  llvm::StringMap<int64_t> useCounts; // uses by nodes and graph outputs
  const onnx::NodeProto *current = nullptr;
  std::string currentName;
  mlir::Location currentLoc;
};

/// Reads a TensorProto (raw, typed or external data) into an attribute of the right
/// type: inline dense for small tensors, a resource blob otherwise. Raw data is moved,
/// not copied. External data must lie inside `modelDir`.
mlir::FailureOr<mlir::ElementsAttr> importTensorProto(onnx::TensorProto &tensor,
                                                       mlir::MLIRContext *ctx,
                                                       const ImportOptions &options,
                                                       const std::string &modelDir,
                                                       std::string &error);

} // namespace kiln::onnx_import

#endif // KILN_LIB_ONNX_GRAPHIMPORTER_H
