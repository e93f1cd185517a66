//===- Compile.h - model file -> artifact (or an intermediate stage) --------===//
//
// The compiler behind include/kiln/compiler.h and kiln-compile: load the model, run the
// registered CPU pipeline up to the requested stage, then for the machine-code stages
// translate to LLVM IR, optimize, emit x86-64 object code, link it into a shared object
// with ld.lld and write the artifact (docs/artifact.md).
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
  std::string target = "cpu";
  std::string cpu = "host";
  int optLevel = 3;
  /// kiln | linalg | bufferized | llvm-mlir | llvm-ir | asm | artifact
  std::string emit = "artifact";
  onnx_import::ImportOptions import;
  bool timing = false;
  /// --kiln-fuse before outlining (kiln.fusion groups, one kernel each); false: one
  /// kernel per op, for comparison and bisecting.
  bool fusion = true;
  /// Where --kiln-fuse writes its report (.json, .dot, .html); empty: none.
  std::string fusionReport;
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
