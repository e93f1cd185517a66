//===- Interpret.h - run a model in the reference interpreter --------------===//
#ifndef KILN_LIB_DRIVER_INTERPRET_H
#define KILN_LIB_DRIVER_INTERPRET_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace kiln::driver {

struct InterpretOptions {
  /// `[NAME=]@file.npy|@file.pb|random:SEED`; unnamed ones bind by position.
  std::vector<std::string> inputs;
  /// `[NAME=]@file.npy|@file.pb`; unnamed ones bind by position.
  std::vector<std::string> outputs;
  /// Seed for inputs given no binding at all (-1: such inputs are an error).
  int64_t defaultSeed = -1;
};

/// Binds inputs, evaluates the entry function with the reference interpreter, writes
/// the requested outputs and prints a one-line summary per output to `os`. Returns the
/// tool exit code: 0 success, 1 evaluation failure, 2 bad bindings or files.
int interpretModel(mlir::ModuleOp module, const InterpretOptions &options,
                   llvm::raw_ostream &os);

} // namespace kiln::driver

#endif // KILN_LIB_DRIVER_INTERPRET_H
