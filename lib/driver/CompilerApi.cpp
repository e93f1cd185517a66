//===- CompilerApi.cpp - the C compile API (include/kiln/compiler.h) --------===//
//
// Thin: options live in a CompileSettings, compilation is lib/driver/Compile.cpp, and
// errors come back as kilnStatus objects carrying every diagnostic.
//
//===----------------------------------------------------------------------------===//
#include "kiln/compiler.h"

#include "lib/driver/Compile.h"
#include "lib/tensorio/TensorIO.h"

#include "llvm/Support/Path.h"

#include <cstdio>
#include <sys/stat.h>
#include <fstream>
#include <iostream>

struct kilnCompileOptionsImpl {
  kiln::driver::CompileSettings settings;
};

namespace {
kilnStatus invalid(const std::string &message) {
  return kilnStatusCreate(KILN_INVALID_ARGUMENT, message.c_str());
}

/// Applies `change` to a copy of the settings and keeps it only if it validates, so a
/// rejected value never lingers to fail a later, valid call.
template <typename Change>
kilnStatus update(kilnCompileOptions options, Change change) {
  kiln::driver::CompileSettings next = options->settings;
  change(next);
  std::string bad = kiln::driver::validateSettings(next);
  if (!bad.empty()) {
    return invalid(bad);
  }
  options->settings = std::move(next);
  return nullptr;
}
} // namespace

extern "C" {

kilnStatus kilnCompileOptionsCreate(kilnCompileOptions *options) {
  if (!options) {
    return invalid("kilnCompileOptionsCreate: options is NULL");
  }
  *options = new kilnCompileOptionsImpl();
  return nullptr;
}

void kilnCompileOptionsDestroy(kilnCompileOptions options) { delete options; }

kilnStatus kilnCompileOptionsSetTarget(kilnCompileOptions options, const char *target) {
  if (!options || !target) {
    return invalid("kilnCompileOptionsSetTarget: NULL argument");
  }
  return update(options, [&](kiln::driver::CompileSettings &s) { s.target = target; });
}

kilnStatus kilnCompileOptionsSetCudaArch(kilnCompileOptions options, const char *arch) {
  if (!options || !arch) {
    return invalid("kilnCompileOptionsSetCudaArch: NULL argument");
  }
  return update(options, [&](kiln::driver::CompileSettings &s) { s.cudaArch = arch; });
}

kilnStatus kilnCompileOptionsSetPrecision(kilnCompileOptions options, const char *precision) {
  if (!options || !precision) {
    return invalid("kilnCompileOptionsSetPrecision: NULL argument");
  }
  return update(options, [&](kiln::driver::CompileSettings &s) { s.precision = precision; });
}

kilnStatus kilnCompileOptionsSetCpu(kilnCompileOptions options, const char *cpu) {
  if (!options || !cpu || !*cpu) {
    return invalid("kilnCompileOptionsSetCpu: NULL or empty argument");
  }
  options->settings.cpu = cpu;
  return nullptr;
}

kilnStatus kilnCompileOptionsSetOptLevel(kilnCompileOptions options, int level) {
  if (!options) {
    return invalid("kilnCompileOptionsSetOptLevel: options is NULL");
  }
  return update(options, [&](kiln::driver::CompileSettings &s) { s.optLevel = level; });
}

kilnStatus kilnCompileOptionsSetEmit(kilnCompileOptions options, const char *stage) {
  if (!options || !stage) {
    return invalid("kilnCompileOptionsSetEmit: NULL argument");
  }
  return update(options, [&](kiln::driver::CompileSettings &s) { s.emit = stage; });
}

kilnStatus kilnCompileOptionsSetInputShape(kilnCompileOptions options, const char *name,
                                           const int64_t *dims, size_t rank) {
  if (!options || !name || (rank && !dims)) {
    return invalid("kilnCompileOptionsSetInputShape: NULL argument");
  }
  for (size_t i = 0; i < rank; ++i) {
    if (dims[i] < 0) {
      return invalid(std::string("input shape of '") + name + "' has a negative dim");
    }
  }
  options->settings.import.inputShapes[name] = std::vector<int64_t>(dims, dims + rank);
  return nullptr;
}

kilnStatus kilnCompileOptionsSetConstantInput(kilnCompileOptions options, const char *name,
                                              const char *path) {
  if (!options || !name || !path) {
    return invalid("kilnCompileOptionsSetConstantInput: NULL argument");
  }
  kiln::io::HostTensor value;
  std::string error;
  if (!kiln::io::readTensorFile(path, value, error)) {
    return invalid(std::string("constant input '") + name + "': " + error);
  }
  options->settings.import.constantInputs[name] = std::move(value);
  return nullptr;
}

kilnStatus kilnCompileOptionsSetFusion(kilnCompileOptions options, int enable) {
  if (!options) {
    return invalid("kilnCompileOptionsSetFusion: options is NULL");
  }
  options->settings.fusion = enable != 0;
  return nullptr;
}

kilnStatus kilnCompileOptionsSetFusionReport(kilnCompileOptions options, const char *path) {
  if (!options) {
    return invalid("kilnCompileOptionsSetFusionReport: options is NULL");
  }
  std::string p = path ? path : "";
  llvm::StringRef ext = llvm::sys::path::extension(p);
  if (!p.empty() && ext != ".json" && ext != ".dot" && ext != ".html" && ext != ".htm") {
    return invalid("fusion report '" + p + "': unknown format (use .json, .dot or .html)");
  }
  options->settings.fusionReport = p;
  return nullptr;
}

kilnStatus kilnCompileOptionsSetTiming(kilnCompileOptions options, int enable) {
  if (!options) {
    return invalid("kilnCompileOptionsSetTiming: options is NULL");
  }
  options->settings.timing = enable != 0;
  return nullptr;
}

kilnStatus kilnCompileOptionsSetFlags(kilnCompileOptions options, const char *flags) {
  if (!options || !flags) {
    return invalid("kilnCompileOptionsSetFlags: NULL argument");
  }
  options->settings.flags = flags;
  return nullptr;
}

kilnStatus kilnCompileFile(const char *modelPath, kilnCompileOptions options,
                           const char *outputPath) {
  if (!modelPath || !options || !outputPath) {
    return invalid("kilnCompileFile: NULL argument");
  }
  const kiln::driver::CompileSettings &s = options->settings;
  bool toStdout = std::string(outputPath) == "-";
  if (toStdout && !kiln::driver::isTextStage(s.emit)) {
    return invalid("an artifact is binary: write it to a file (-o model.kiln), not stdout");
  }
  std::string output, errors;
  if (!kiln::driver::compileModel(modelPath, s, output, errors)) {
    // The model could not be compiled (the messages name the node and the stage).
    return kilnStatusCreate(KILN_UNSUPPORTED, errors.c_str());
  }
  // A compiled model may still carry warnings (a kernel far from the hardware's peak).
  if (!errors.empty()) {
    std::cerr << errors << std::flush;
  }
  if (toStdout) {
    std::cout << output << std::flush;
    return nullptr;
  }
  // A regular file is replaced atomically (write beside it, then rename), so a failed
  // write never leaves half an artifact. Anything else that exists (/dev/null, a pipe)
  // is written in place: renaming onto it would replace the device with a file.
  struct stat st;
  bool special = ::stat(outputPath, &st) == 0 && !S_ISREG(st.st_mode);
  std::string target = special ? std::string(outputPath) : std::string(outputPath) + ".tmp";
  std::ofstream f(target, std::ios::binary | std::ios::trunc);
  f.write(output.data(), static_cast<std::streamsize>(output.size()));
  f.close();
  if (!f || (!special && std::rename(target.c_str(), outputPath) != 0)) {
    if (!special) {
      std::remove(target.c_str());
    }
    return kilnStatusCreate(KILN_NOT_FOUND,
                            (std::string("cannot write ") + outputPath).c_str());
  }
  return nullptr;
}

} // extern "C"
