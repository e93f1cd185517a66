//===- kiln/compiler.hpp - thin C++ layer over the kiln compile API -*- C++ -*-===//
//
// Header-only RAII wrappers over kiln/compiler.h for C++ embedders: options own their C
// handle, every call returns a kiln::Status (no exceptions, so code built with
// -fno-exceptions can use it), and strings / vectors replace pointer + length pairs.
// Still no MLIR or LLVM type; link the same library as the C API.
//
//   kiln::CompileOptions options;
//   options.setCpu("x86-64-v3");
//   if (kiln::Status s = kiln::compileFile("model.onnx", options, "model.kiln"); !s)
//     std::cerr << s.message();
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_COMPILER_HPP
#define KILN_COMPILER_HPP

#include "kiln/compiler.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kiln {

/// The outcome of a call: ok, or a code and the message of the C status it consumed.
class Status {
public:
  Status() = default;
  /// Takes ownership of `status` (NULL is success) and destroys it.
  static Status fromC(kilnStatus status) {
    Status s;
    if (status) {
      s.code_ = kilnStatusGetCode(status);
      const char *message = kilnStatusGetMessage(status);
      s.message_ = message ? message : "";
      kilnStatusDestroy(status);
    }
    return s;
  }
  bool ok() const { return code_ == KILN_OK; }
  explicit operator bool() const { return ok(); }
  kilnStatusCode code() const { return code_; }
  const std::string &message() const { return message_; }

private:
  kilnStatusCode code_ = KILN_OK;
  std::string message_;
};

/// Compile options (defaults: target "cpu", cpu "host", -O3, emit "artifact").
class CompileOptions {
public:
  CompileOptions() { creation_ = Status::fromC(kilnCompileOptionsCreate(&handle_)); }
  ~CompileOptions() { kilnCompileOptionsDestroy(handle_); }
  CompileOptions(const CompileOptions &) = delete;
  CompileOptions &operator=(const CompileOptions &) = delete;
  CompileOptions(CompileOptions &&other) noexcept
      : handle_(std::exchange(other.handle_, nullptr)), creation_(std::move(other.creation_)) {}
  CompileOptions &operator=(CompileOptions &&other) noexcept {
    std::swap(handle_, other.handle_);
    std::swap(creation_, other.creation_);
    return *this;
  }

  /// Why the options could not be created (only out of memory); ok otherwise.
  const Status &creationStatus() const { return creation_; }

  Status setTarget(const std::string &target) {
    return Status::fromC(kilnCompileOptionsSetTarget(handle_, target.c_str()));
  }
  Status setCpu(const std::string &cpu) {
    return Status::fromC(kilnCompileOptionsSetCpu(handle_, cpu.c_str()));
  }
  Status setOptLevel(int level) {
    return Status::fromC(kilnCompileOptionsSetOptLevel(handle_, level));
  }
  Status setEmit(const std::string &stage) {
    return Status::fromC(kilnCompileOptionsSetEmit(handle_, stage.c_str()));
  }
  Status setInputShape(const std::string &name, const std::vector<int64_t> &dims) {
    return Status::fromC(
        kilnCompileOptionsSetInputShape(handle_, name.c_str(), dims.data(), dims.size()));
  }
  Status setConstantInput(const std::string &name, const std::string &path) {
    return Status::fromC(
        kilnCompileOptionsSetConstantInput(handle_, name.c_str(), path.c_str()));
  }
  Status setFusion(bool enable) {
    return Status::fromC(kilnCompileOptionsSetFusion(handle_, enable ? 1 : 0));
  }
  Status setFusionReport(const std::string &path) {
    return Status::fromC(kilnCompileOptionsSetFusionReport(handle_, path.c_str()));
  }
  Status setPrecision(const std::string &precision) {
    return Status::fromC(kilnCompileOptionsSetPrecision(handle_, precision.c_str()));
  }
  Status setTiming(bool enable) {
    return Status::fromC(kilnCompileOptionsSetTiming(handle_, enable ? 1 : 0));
  }
  Status setFlags(const std::string &flags) {
    return Status::fromC(kilnCompileOptionsSetFlags(handle_, flags.c_str()));
  }

  /// The C handle, still owned by this object.
  kilnCompileOptions get() const { return handle_; }

private:
  kilnCompileOptions handle_ = nullptr;
  Status creation_;
};

/// Compiles `modelPath` with `options` into `outputPath` ("-" is stdout, text stages only).
inline Status compileFile(const std::string &modelPath, const CompileOptions &options,
                          const std::string &outputPath) {
  return Status::fromC(kilnCompileFile(modelPath.c_str(), options.get(), outputPath.c_str()));
}

} // namespace kiln

#endif // KILN_COMPILER_HPP
