//===- kiln-opt.cpp - kiln's opt-style driver ------------------------------===//
//
// MlirOptMain with the kiln dialect, the upstream dialects kiln lowers through, and
// every kiln pass and pipeline registered, so any stage of kiln-compile can be replayed.
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "dialects/kiln/KilnDialect.h"
#include "codegen/Pipelines.h"
#include "passes/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  // kiln lowers through linalg, tensor, bufferization, scf, vector, gpu, nvgpu, nvvm, llvm
  // and more: register them all, as mlir-opt does, so every stage parses.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<kiln::KilnDialect>();
  mlir::registerAllPasses();
  kiln::registerKilnPasses();
  kiln::registerKilnCodegenPasses();
  kiln::registerKilnPipelines();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "kiln optimizer driver\n", registry));
}
