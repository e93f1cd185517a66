//===- kiln-interpret.cpp - run a model in the reference interpreter -------===//
//
//   kiln-interpret model.onnx|model.mlir --input=NAME=@x.npy|@x.pb|random:SEED
//                  --output=@out.npy [--input-shape NAME=1x3x224x224]
//
// Exit codes: 0 success, 1 import or evaluation failure, 2 bad usage or input files.
//
//===----------------------------------------------------------------------------===//
#include "lib/driver/Interpret.h"
#include "lib/driver/ModelLoader.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

#include "mlir/IR/Diagnostics.h"

namespace cl = llvm::cl;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::opt<std::string> model(cl::Positional, cl::desc("<model.onnx|model.mlir>"),
                             cl::Required);
  cl::list<std::string> inputs("input",
                               cl::desc("[NAME=]@file.npy | @file.pb | random:SEED"));
  cl::list<std::string> outputs("output", cl::desc("[NAME=]@file.npy | @file.pb"));
  cl::list<std::string> constants(
      "constant-input",
      cl::desc("NAME=@file.npy|@file.pb: a graph input whose value is fixed at import "
               "(shape and parameter inputs), so computations on it fold away"));
  cl::list<std::string> shapes("input-shape", cl::desc("NAME=DIMS, e.g. x=1x3x224x224"));
  cl::opt<int64_t> seed("random-inputs",
                        cl::desc("seed for every input not bound by --input"),
                        cl::init(-1));
  cl::opt<int64_t> maxBytes("max-tensor-bytes", cl::desc("largest tensor accepted"),
                            cl::init(int64_t(16) << 30));
  mlir::registerMLIRContextCLOptions();
  mlir::registerAsmPrinterCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "kiln reference interpreter\n");

  kiln::onnx_import::ImportOptions importOptions;
  importOptions.maxTensorBytes = maxBytes;
  for (const std::string &s : shapes) {
    std::string error;
    if (!kiln::onnx_import::parseInputShape(s, importOptions, error)) {
      llvm::errs() << "kiln-interpret: " << error << "\n";
      return 2;
    }
  }
  for (const std::string &s : constants) {
    size_t eq = s.find("=@");
    std::string error;
    kiln::io::HostTensor value;
    if (eq == std::string::npos || eq == 0) {
      llvm::errs() << "kiln-interpret: --constant-input=" << s << " is not NAME=@FILE\n";
      return 2;
    }
    if (!kiln::io::readTensorFile(s.substr(eq + 2), value, error)) {
      llvm::errs() << "kiln-interpret: --constant-input=" << s << ": " << error << "\n";
      return 2;
    }
    importOptions.constantInputs[s.substr(0, eq)] = std::move(value);
  }
  mlir::MLIRContext ctx;
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &ctx);
  mlir::OwningOpRef<mlir::ModuleOp> module = kiln::driver::loadModel(ctx, model, importOptions);
  if (!module) {
    return 1;
  }
  kiln::driver::InterpretOptions options;
  options.inputs.assign(inputs.begin(), inputs.end());
  options.outputs.assign(outputs.begin(), outputs.end());
  options.defaultSeed = seed;
  return kiln::driver::interpretModel(*module, options, llvm::outs());
}
