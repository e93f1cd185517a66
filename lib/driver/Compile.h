//===- Compile.h - model file -> artifact (or an intermediate stage) --------===//
//
// The compiler behind include/kiln/compiler.h and kiln-compile: load the model, run the
// registered pipeline of the target up to the requested stage, then for the machine-code
// stages translate to LLVM IR and optimize; on the CPU emit x86-64 object code and link it
// into a shared object with ld.lld, on CUDA emit PTX with LLVM's NVPTX backend and
// assemble it into a cubin with the toolkit's ptxas; then write the artifact
// (docs/artifact.md).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_DRIVER_COMPILE_H
#define KILN_LIB_DRIVER_COMPILE_H

#include "lib/onnx/OnnxImporter.h"

#include <map>
#include <string>
#include <vector>

namespace kiln::driver {

struct CompileSettings {
  /// cpu | cuda
  std::string target = "cpu";
  std::string cpu = "host";
  /// The SM architecture of --target=cuda: sm_80, sm_86, sm_89 or sm_90a.
  std::string cudaArch = "sm_80";
  int optLevel = 3;
  /// kiln | linalg | bufferized | llvm-mlir | llvm-ir | asm | artifact; for cuda also
  /// gpu (gpu.func kernels) and ptx (= asm)
  std::string emit = "artifact";
  onnx_import::ImportOptions import;
  bool timing = false;
  /// --kiln-fuse before outlining (kiln.fusion groups, one kernel each); false: one
  /// kernel per op, for comparison and bisecting.
  bool fusion = true;
  /// Where --kiln-fuse writes its report (.json, .dot, .html); empty: none.
  std::string fusionReport;
  /// fp32 | bf16 | fp16: the operand type of f32 matrix products (kiln-mixed-precision).
  std::string precision = "fp32";
  std::string flags;
};

/// Checks the settings (known target, stage, cpu spelling, level); "" if fine.
std::string validateSettings(const CompileSettings &settings);

/// Compiles `modelPath`; the result (text or artifact bytes) goes to `output`. Errors
/// are appended to `errors` (each naming the stage and, where known, the model node).
bool compileModel(const std::string &modelPath, const CompileSettings &settings,
                  std::string &output, std::string &errors);

/// True for stages whose output is text.
bool isTextStage(const std::string &emit);

} // namespace kiln::driver

#endif // KILN_LIB_DRIVER_COMPILE_H
