//===- kiln-translate.cpp - model files in and out of kiln IR --------------===//
//
//   kiln-translate --import-onnx model.onnx [-o model.mlir] [--input-shape NAME=DIMS]
//   kiln-translate --check model.onnx [--json]
//
// Exit codes: 0 success (and, for --check, a fully supported model), 1 import failure or
// unsupported features found, 2 bad usage.
//
//===----------------------------------------------------------------------------===//
#include "lib/driver/ModelLoader.h"
#include "lib/onnx/OnnxImporter.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

namespace cl = llvm::cl;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::opt<std::string> importPath("import-onnx", cl::desc("import an ONNX model"),
                                  cl::value_desc("model.onnx"));
  cl::opt<std::string> checkPath("check", cl::desc("list what kiln cannot import"),
                                 cl::value_desc("model.onnx"));
  cl::opt<std::string> positional(cl::Positional, cl::desc("[model.onnx]"), cl::init(""));
  cl::opt<bool> json("json", cl::desc("--check: print JSON"));
  cl::opt<std::string> outputPath("o", cl::desc("output file"), cl::init("-"));
  cl::opt<bool> bytecode("emit-bytecode", cl::desc("write MLIR bytecode"));
  cl::list<std::string> shapes("input-shape", cl::desc("NAME=DIMS, e.g. x=1x3x224x224"));
  cl::opt<int64_t> maxBytes("max-tensor-bytes", cl::desc("largest tensor accepted"),
                            cl::init(int64_t(16) << 30));
  mlir::registerMLIRContextCLOptions();
  mlir::registerAsmPrinterCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "kiln model translator\n");

  if (!checkPath.empty() || (json && !positional.empty() && importPath.empty())) {
    std::string path = checkPath.empty() ? positional.getValue() : checkPath.getValue();
    kiln::onnx_import::CheckReport report;
    bool readable = kiln::onnx_import::checkOnnxFile(path, report);
    llvm::outs() << kiln::onnx_import::formatCheckReport(report, json);
    return readable && report.problems.empty() ? 0 : 1;
  }
  std::string path = importPath.empty() ? positional.getValue() : importPath.getValue();
  if (path.empty()) {
    llvm::errs() << "kiln-translate: give --import-onnx MODEL or --check MODEL\n";
    return 2;
  }
  kiln::onnx_import::ImportOptions options;
  options.maxTensorBytes = maxBytes;
  for (const std::string &s : shapes) {
    std::string error;
    if (!kiln::onnx_import::parseInputShape(s, options, error)) {
      llvm::errs() << "kiln-translate: " << error << "\n";
      return 2;
    }
  }
  mlir::MLIRContext ctx;
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &ctx);
  kiln::driver::loadModelDialects(ctx);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      kiln::onnx_import::importOnnxFile(ctx, path, options);
  if (!module) {
    return 1;
  }
  std::string error;
  auto out = mlir::openOutputFile(outputPath, &error);
  if (!out) {
    llvm::errs() << "kiln-translate: " << error << "\n";
    return 2;
  }
  if (bytecode) {
    if (mlir::failed(mlir::writeBytecodeToFile(*module, out->os()))) {
      llvm::errs() << "kiln-translate: writing bytecode failed\n";
      return 1;
    }
  } else {
    module->print(out->os(), mlir::OpPrintingFlags());
  }
  out->keep();
  return 0;
}
