//===- Interpreter.h - reference interpreter for the kiln dialect ----------===//
//
// Evaluates kiln graphs on the CPU in plain loops. It is the oracle every optimization
// is checked against, so it favours obvious code over speed:
// - floats (f16, bf16, f32, f64) are held as double and rounded to their element type
//   after every op; reductions, matmul and conv accumulate in double;
// - integers (signless = signed, and unsigned), i1 and quantized storage are held as
//   int64 and wrapped to their width and signedness after every op, so integer results
//   are exact.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_INTERP_INTERPRETER_H
#define KILN_LIB_INTERP_INTERPRETER_H

#include "lib/tensorio/TensorIO.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <string>
#include <vector>

namespace kiln::interp {

/// A host tensor value with a static shape.
class Tensor {
public:
  Tensor() = default;
  /// A zero-filled tensor; `elementType` is a float, integer, i1 or quantized type.
  Tensor(mlir::Type elementType, llvm::ArrayRef<int64_t> shape);

  mlir::Type getElementType() const { return elementType; }
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  int64_t getRank() const { return static_cast<int64_t>(shape.size()); }
  int64_t getNumElements() const;
  mlir::RankedTensorType getType() const;

  /// True if values live in floats() (float element types); otherwise in ints().
  bool isFloat() const { return mlir::isa<mlir::FloatType>(elementType); }

  std::vector<double> &floats() { return floatData; }
  const std::vector<double> &floats() const { return floatData; }
  std::vector<int64_t> &ints() { return intData; }
  const std::vector<int64_t> &ints() const { return intData; }

  /// Element `i` (row-major) as a double, from either storage. Unsigned 64-bit values
  /// above INT64_MAX are read as unsigned.
  double getDouble(int64_t i) const;
  /// Stores `v` at `i`: rounded to the float type, or (integers) truncated toward zero,
  /// then wrapped to the integer type. NaN stores 0 into integers.
  void setDouble(int64_t i, double v);
  /// Stores an integer at `i`, wrapped to the element type (or converted to the float).
  void setInt(int64_t i, int64_t v);

private:
  mlir::Type elementType;
  llvm::SmallVector<int64_t> shape;
  std::vector<double> floatData;
  std::vector<int64_t> intData;
};

/// Rounds `v` to the nearest value of float type `t` (ties to even).
double roundToFloatType(double v, mlir::Type t);
/// Wraps `v` to the width and signedness of integer type `t` (i1 keeps the low bit).
/// For quantized types, the storage type is used.
int64_t wrapToIntegerType(int64_t v, mlir::Type t);
/// True if `t` (or a quantized type's storage) is an unsigned integer.
bool isUnsignedInteger(mlir::Type t);

/// Row-major strides of `shape`.
llvm::SmallVector<int64_t> getStrides(llvm::ArrayRef<int64_t> shape);

/// Reads a `dense` or `dense_resource` attribute. A quantized `type` (a kiln.constant
/// result) reinterprets the integer storage.
mlir::FailureOr<Tensor> tensorFromAttr(mlir::ElementsAttr attr, mlir::RankedTensorType type);
/// Decodes little-endian bytes (one byte per i1) of `type`'s (storage) element type.
mlir::FailureOr<Tensor> tensorFromBytes(mlir::RankedTensorType type, llvm::ArrayRef<char> bytes);
/// A DenseElementsAttr of `type` holding `t`'s values (for quantized types, of the
/// storage type's tensor; the caller builds `kiln.constant ... as <quant type>`).
mlir::DenseElementsAttr tensorToAttr(const Tensor &t, mlir::RankedTensorType type);

/// Evaluates one kiln op on `operands` (one per op operand, shapes as the op's operand
/// types). On failure an error was emitted at the op.
mlir::LogicalResult evaluateOp(mlir::Operation *op, llvm::ArrayRef<Tensor> operands,
                               llvm::SmallVectorImpl<Tensor> &results);

/// Evaluates a function body (kiln ops, func.return) on `arguments`.
mlir::FailureOr<llvm::SmallVector<Tensor>> evaluateFunction(mlir::func::FuncOp fn,
                                                            llvm::ArrayRef<Tensor> arguments);

/// kiln element type <-> runtime dtype; quantized types map to their storage dtype.
kilnDType dtypeOf(mlir::Type elementType);
/// Converts a host tensor to an interpreter tensor of `type` (dtype and shape must match;
/// otherwise `error` says how). Quantized types take the storage dtype.
mlir::FailureOr<Tensor> fromHost(const io::HostTensor &host, mlir::RankedTensorType type,
                                 std::string &error);
io::HostTensor toHost(const Tensor &t, const std::string &name);

} // namespace kiln::interp

#endif // KILN_LIB_INTERP_INTERPRETER_H
