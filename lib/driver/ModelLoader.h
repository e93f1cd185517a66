//===- ModelLoader.h - load a model file (.onnx or .mlir) into kiln IR -----===//
#ifndef KILN_LIB_DRIVER_MODELLOADER_H
#define KILN_LIB_DRIVER_MODELLOADER_H

#include "lib/onnx/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace kiln::driver {

/// Registers the dialects kiln model IR uses (kiln, func, quant) in `ctx`.
void loadModelDialects(mlir::MLIRContext &ctx);

/// Imports `.onnx` files, parses anything else as MLIR (text or bytecode). Diagnostics go
/// through `ctx`; null on failure.
mlir::OwningOpRef<mlir::ModuleOp> loadModel(mlir::MLIRContext &ctx, const std::string &path,
                                            const onnx_import::ImportOptions &options);

/// The model's entry function: `@main`, or the only function. Emits an error otherwise.
mlir::func::FuncOp getEntryFunction(mlir::ModuleOp module);

/// Name of argument/result `i`: its `kiln.name` attribute, else "input_i" / "output_i".
std::string getArgumentName(mlir::func::FuncOp fn, unsigned i);
std::string getResultName(mlir::func::FuncOp fn, unsigned i);

} // namespace kiln::driver

#endif // KILN_LIB_DRIVER_MODELLOADER_H
