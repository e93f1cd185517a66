//===- kiln-compile.cpp - compile a model into a .kiln artifact ------------===//
//
//   kiln-compile model.onnx|model.mlir -o model.kiln [--target=cpu|cuda]
//       [--cpu=host|x86-64-v3|x86-64-v4|<llvm cpu>] [--cuda-arch=sm_80|sm_86|sm_89|sm_90a]
//       [-O0..-O3] [--emit=kiln|linalg|bufferized|gpu|llvm-mlir|llvm-ir|asm|ptx|emulator|artifact]
//       [--input-shape NAME=1x3x224x224] [--constant-input NAME=@file] [--timing]
//       [--no-fusion] [--fusion-report=report.json|.dot|.html] [--precision=fp32|tf32|bf16|fp16]
//
// A thin main over the C compile API (include/kiln/compiler.h). The MLIR debugging flags
// (--mlir-print-ir-after-all, --mlir-pass-pipeline-crash-reproducer=FILE, --mlir-timing)
// apply to the pipeline it runs. Exit codes: 0 success, 1 compile failure, 2 bad usage.
//
//===----------------------------------------------------------------------------===//
#include "kiln/compiler.h"

#include "lib/onnx/OnnxImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

namespace cl = llvm::cl;

namespace {
/// Prints and destroys `status`; true if it was an error.
bool report(kilnStatus status) {
  if (!status) {
    return false;
  }
  llvm::errs() << "kiln-compile: " << kilnStatusGetMessage(status);
  std::string message = kilnStatusGetMessage(status);
  if (message.empty() || message.back() != '\n') {
    llvm::errs() << "\n";
  }
  kilnStatusDestroy(status);
  return true;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::opt<std::string> model(cl::Positional, cl::desc("<model.onnx|model.mlir>"),
                             cl::Required);
  cl::opt<std::string> output("o", cl::desc("output file ('-' for stdout, text stages)"),
                              cl::value_desc("file"), cl::init("-"));
  cl::opt<std::string> target("target", cl::desc("cpu | cuda"), cl::init("cpu"));
  cl::opt<std::string> cudaArch("cuda-arch",
                                cl::desc("sm_80 | sm_86 | sm_89 | sm_90a (--target=cuda)"),
                                cl::init("sm_80"));
  cl::opt<std::string> cpu("cpu", cl::desc("host | x86-64-v3 | x86-64-v4 | an LLVM CPU name"),
                           cl::init("host"));
  cl::opt<char> optLevel("O", cl::desc("optimization level 0..3 (default 3)"), cl::Prefix,
                         cl::init('3'));
  cl::opt<std::string> emit(
      "emit", cl::desc("kiln | linalg | bufferized | gpu (cuda) | llvm-mlir | llvm-ir | "
                       "asm | ptx (cuda) | emulator (cuda: the kernels as a host .so for the CUDA emulator) | artifact"),
      cl::init("artifact"));
  cl::list<std::string> shapes("input-shape", cl::desc("NAME=DIMS, e.g. x=1x3x224x224"));
  cl::list<std::string> constants(
      "constant-input",
      cl::desc("NAME=@file.npy|@file.pb: a graph input fixed at compile time"));
  cl::opt<std::string> precision(
      "precision",
      cl::desc("fp32 | tf32 | bf16 | fp16: run f32 matrix products with 16-bit operands "
               "and f32 accumulation (bf16, fp16), or on tf32 tensor cores (tf32: CUDA; the "
               "CPU computes f32) (default fp32)"),
      cl::init("fp32"));
  cl::opt<bool> timing("timing", cl::desc("print the time of every stage"));
  cl::opt<std::string> fusionReport(
      "fusion-report", cl::value_desc("report.json|report.dot|report.html"),
      cl::desc("write every fusion group (member nodes, scheme, modeled bytes) and every "
               "edge left unfused with the reason"));
  cl::opt<bool> noFusion("no-fusion",
                         cl::desc("one kernel per op (no kiln.fusion groups), for comparison "
                                  "and bisecting"));
  // --help lists kiln-compile's options; LLVM's backend options (hundreds) and MLIR's
  // debugging options stay out of it but still parse.
  static cl::OptionCategory kilnCategory("kiln-compile options");
  for (cl::Option *option : std::initializer_list<cl::Option *>{
           &model, &output, &target, &cudaArch, &cpu, &optLevel, &emit, std::addressof(shapes),
           std::addressof(constants), &precision, &timing, &fusionReport, &noFusion}) {
    option->addCategory(kilnCategory);
  }
  mlir::registerMLIRContextCLOptions();
  mlir::registerAsmPrinterCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::HideUnrelatedOptions(kilnCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "kiln compiler\n\nMLIR's debugging options are accepted too "
      "(--mlir-print-ir-after-all, --mlir-timing, --mlir-pass-pipeline-crash-reproducer=FILE).\n");

  std::string flags;
  for (int i = 0; i < argc; ++i) {
    flags += (i ? " " : "") + std::string(argv[i]);
  }
  kilnCompileOptions options = nullptr;
  if (report(kilnCompileOptionsCreate(&options))) {
    return 2;
  }
  bool bad = report(kilnCompileOptionsSetTarget(options, target.c_str())) ||
             report(kilnCompileOptionsSetCudaArch(options, cudaArch.c_str())) ||
             report(kilnCompileOptionsSetCpu(options, cpu.c_str())) ||
             report(kilnCompileOptionsSetOptLevel(options, optLevel - '0')) ||
             report(kilnCompileOptionsSetEmit(options, emit.c_str())) ||
             report(kilnCompileOptionsSetPrecision(options, precision.c_str())) ||
             report(kilnCompileOptionsSetTiming(options, timing)) ||
             report(kilnCompileOptionsSetFusion(options, !noFusion)) ||
             report(kilnCompileOptionsSetFusionReport(options, fusionReport.c_str())) ||
             report(kilnCompileOptionsSetFlags(options, flags.c_str()));
  for (const std::string &s : shapes) {
    kiln::onnx_import::ImportOptions parsed;
    std::string error;
    if (!kiln::onnx_import::parseInputShape(s, parsed, error)) {
      llvm::errs() << "kiln-compile: " << error << "\n";
      bad = true;
      continue;
    }
    for (const auto &[name, dims] : parsed.inputShapes) {
      bad |= report(kilnCompileOptionsSetInputShape(options, name.c_str(), dims.data(),
                                                    dims.size()));
    }
  }
  for (const std::string &s : constants) {
    size_t eq = s.find("=@");
    if (eq == std::string::npos || eq == 0) {
      llvm::errs() << "kiln-compile: --constant-input=" << s << " is not NAME=@FILE\n";
      bad = true;
      continue;
    }
    bad |= report(kilnCompileOptionsSetConstantInput(options, s.substr(0, eq).c_str(),
                                                     s.substr(eq + 2).c_str()));
  }
  if (bad) {
    kilnCompileOptionsDestroy(options);
    return 2;
  }
  kilnStatus status = kilnCompileFile(model.c_str(), options, output.c_str());
  kilnCompileOptionsDestroy(options);
  kilnStatusCode code = kilnStatusGetCode(status);
  if (report(status)) {
    return code == KILN_INVALID_ARGUMENT ? 2 : 1;
  }
  return 0;
}
