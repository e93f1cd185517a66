//===- CudaTestSupport.h - driver selection and the fake driver in tests ---------===//
//
// The runtime opens the library named by $KILN_CUDA_DRIVER (default libcuda.so.1).
// `ScopedEnv` sets or clears it for one test; `FakeCuda` points it at
// libkiln-fake-cuda.so (FakeCudaDriver.h), resets the fake, and reaches its control
// functions through the same loaded object the runtime uses; `FakeCudaCopy` is a copy of
// it under a path the runtime has not opened yet.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_TEST_UNIT_RUNTIME_CUDATESTSUPPORT_H
#define KILN_TEST_UNIT_RUNTIME_CUDATESTSUPPORT_H

#include "test/unit/runtime/FakeCudaDriver.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#ifndef KILN_FAKE_CUDA_DRIVER_PATH
#error "KILN_FAKE_CUDA_DRIVER_PATH must name the fake driver's shared object"
#endif

namespace kiln::runtime::fixtures {

/// Sets (or, for nullptr, unsets) an environment variable until destroyed.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const char *value) : name(name) {
    if (const char *old = std::getenv(name)) {
      previous = old;
    }
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (previous) {
      ::setenv(name.c_str(), previous->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  ScopedEnv(const ScopedEnv &) = delete;
  ScopedEnv &operator=(const ScopedEnv &) = delete;

private:
  std::string name;
  std::optional<std::string> previous;
};

/// The fake driver at `path`, selected for the runtime while this lives.
class FakeCuda {
public:
  explicit FakeCuda(const std::string &path = KILN_FAKE_CUDA_DRIVER_PATH)
      : path(path), env("KILN_CUDA_DRIVER", path.c_str()) {
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      error = dlerror();
      return;
    }
    reset = reinterpret_cast<KilnFakeCudaResetFn>(dlsym(handle, "kiln_fake_cuda_reset"));
    configureFn =
        reinterpret_cast<KilnFakeCudaConfigureFn>(dlsym(handle, "kiln_fake_cuda_configure"));
    statsFn = reinterpret_cast<KilnFakeCudaStatsFn>(dlsym(handle, "kiln_fake_cuda_stats"));
    depthFn =
        reinterpret_cast<KilnFakeCudaContextDepthFn>(dlsym(handle, "kiln_fake_cuda_context_depth"));
    encodesFn = reinterpret_cast<KilnFakeCudaTensorMapEncodesFn>(
        dlsym(handle, "kiln_fake_cuda_tensor_map_encodes"));
    launchesFn = reinterpret_cast<KilnFakeCudaLaunchesFn>(dlsym(handle, "kiln_fake_cuda_launches"));
    if (!reset || !configureFn || !statsFn || !depthFn || !encodesFn || !launchesFn) {
      error = "the fake driver lacks its control functions";
      return;
    }
    reset();
  }
  ~FakeCuda() {
    if (handle) {
      dlclose(handle); // the runtime keeps its own reference
    }
  }
  FakeCuda(const FakeCuda &) = delete;
  FakeCuda &operator=(const FakeCuda &) = delete;

  bool ok() const { return error.empty(); }
  void configure(const KilnFakeCudaConfig &config) { configureFn(&config); }
  KilnFakeCudaStats stats() const {
    KilnFakeCudaStats s{};
    statsFn(&s);
    return s;
  }
  /// Contexts left pushed on this thread (0 after every runtime call).
  int contextDepth() const { return depthFn(); }
  /// Every cuTensorMapEncodeTiled call since the reset, in order.
  std::vector<KilnFakeCudaTensorMapEncode> tensorMapEncodes() const { return records(encodesFn); }
  /// Every cuLaunchKernel call since the reset, in order.
  std::vector<KilnFakeCudaLaunch> launches() const { return records(launchesFn); }

  const std::string path;
  std::string error;

private:
  ScopedEnv env;
  void *handle = nullptr;
  KilnFakeCudaResetFn reset = nullptr;
  KilnFakeCudaConfigureFn configureFn = nullptr;
  KilnFakeCudaStatsFn statsFn = nullptr;
  KilnFakeCudaContextDepthFn depthFn = nullptr;
  KilnFakeCudaTensorMapEncodesFn encodesFn = nullptr;
  KilnFakeCudaLaunchesFn launchesFn = nullptr;

  template <typename T> static std::vector<T> records(int (*fn)(T *, int)) {
    std::vector<T> out(static_cast<size_t>(fn(nullptr, 0)));
    int copied =
        std::min(fn(out.data(), static_cast<int>(out.size())), static_cast<int>(out.size()));
    out.resize(static_cast<size_t>(copied));
    return out;
  }
};

/// A copy of the fake driver under a new path, removed when destroyed. The runtime keeps
/// each path's driver, resolved and initialized, for the life of the process; a copy is
/// one it has not opened yet, whose entry points and cuInit a test can still choose.
class FakeCudaCopy {
public:
  FakeCudaCopy() : path(nextPath()) {
    std::filesystem::copy_file(KILN_FAKE_CUDA_DRIVER_PATH, path,
                               std::filesystem::copy_options::overwrite_existing);
  }
  ~FakeCudaCopy() { std::filesystem::remove(path); }
  FakeCudaCopy(const FakeCudaCopy &) = delete;
  FakeCudaCopy &operator=(const FakeCudaCopy &) = delete;

  const std::string path;

private:
  static std::string nextPath() {
    static int copies = 0;
    return (std::filesystem::temp_directory_path() /
            ("kiln-fake-cuda-" + std::to_string(::getpid()) + "-" + std::to_string(copies++) +
             ".so"))
        .string();
  }
};

/// A CUBIN the fake driver accepts: an ELF header for EM_CUDA (190), with the
/// architecture it is for as text at offset 32 (where ptxas output has other fields).
inline std::vector<uint8_t> fakeCubin(const std::string &arch) {
  std::vector<uint8_t> bytes(64, 0);
  const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
  std::copy(ident, ident + sizeof(ident), bytes.begin());
  bytes[16] = 2;   // ET_EXEC
  bytes[18] = 190; // EM_CUDA
  std::copy(arch.begin(), arch.end(), bytes.begin() + 32);
  return bytes;
}

} // namespace kiln::runtime::fixtures

#endif // KILN_TEST_UNIT_RUNTIME_CUDATESTSUPPORT_H
