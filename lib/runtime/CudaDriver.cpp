//===- CudaDriver.cpp - dlopen libcuda, resolve, cuInit -------------------------===//
//
// The driver is opened on first use, never at load time of the runtime: a machine
// without a GPU loads and inspects CUDA artifacts and runs CPU ones. A success is kept
// for the life of the process (drivers are not meant to be unloaded); a failure is not,
// so a later call with another KILN_CUDA_DRIVER (tests) or after installing a driver
// tries again.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/CudaDriver.h"

#include <cstdlib>
#include <dlfcn.h>
#include <initializer_list>
#include <map>
#include <mutex>

namespace kiln::runtime::cuda {

namespace {

constexpr const char *kDefaultLibrary = "libcuda.so.1";
constexpr const char *kWayOut = "run on a machine with a GPU and its driver, or compile with "
                                "--target=cpu";

kilnStatus unsupported(const std::string &message) {
  return kilnStatusCreate(KILN_UNSUPPORTED, message.c_str());
}

/// Sets `slot` from the first of `names` the library exports; else names the first one
/// in `missing`.
template <typename Fn>
bool resolve(void *handle, Fn &slot, std::initializer_list<const char *> names,
             std::string &missing) {
  for (const char *name : names) {
    if (void *symbol = dlsym(handle, name)) {
      slot = reinterpret_cast<Fn>(symbol);
      return true;
    }
  }
  missing = *names.begin();
  return false;
}

bool resolveAll(void *handle, DriverApi &f, std::string &missing) {
  return resolve(handle, f.cuGetErrorName, {"cuGetErrorName"}, missing) &&
         resolve(handle, f.cuGetErrorString, {"cuGetErrorString"}, missing) &&
         resolve(handle, f.cuInit, {"cuInit"}, missing) &&
         resolve(handle, f.cuDeviceGetCount, {"cuDeviceGetCount"}, missing) &&
         resolve(handle, f.cuDeviceGet, {"cuDeviceGet"}, missing) &&
         resolve(handle, f.cuDeviceGetAttribute, {"cuDeviceGetAttribute"}, missing) &&
         resolve(handle, f.cuDeviceGetName, {"cuDeviceGetName"}, missing) &&
         resolve(handle, f.cuDeviceTotalMem, {"cuDeviceTotalMem_v2"}, missing) &&
         resolve(handle, f.cuDevicePrimaryCtxRetain, {"cuDevicePrimaryCtxRetain"}, missing) &&
         resolve(handle, f.cuDevicePrimaryCtxRelease,
                 {"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"}, missing) &&
         resolve(handle, f.cuCtxPushCurrent, {"cuCtxPushCurrent_v2"}, missing) &&
         resolve(handle, f.cuCtxPopCurrent, {"cuCtxPopCurrent_v2"}, missing) &&
         resolve(handle, f.cuMemAlloc, {"cuMemAlloc_v2"}, missing) &&
         resolve(handle, f.cuMemFree, {"cuMemFree_v2"}, missing) &&
         resolve(handle, f.cuMemcpyHtoDAsync, {"cuMemcpyHtoDAsync_v2"}, missing) &&
         resolve(handle, f.cuMemcpyDtoHAsync, {"cuMemcpyDtoHAsync_v2"}, missing) &&
         resolve(handle, f.cuMemcpyDtoDAsync, {"cuMemcpyDtoDAsync_v2"}, missing) &&
         resolve(handle, f.cuModuleLoadDataEx, {"cuModuleLoadDataEx"}, missing) &&
         resolve(handle, f.cuModuleUnload, {"cuModuleUnload"}, missing) &&
         resolve(handle, f.cuModuleGetFunction, {"cuModuleGetFunction"}, missing) &&
         resolve(handle, f.cuFuncSetAttribute, {"cuFuncSetAttribute"}, missing) &&
         resolve(handle, f.cuLaunchKernel, {"cuLaunchKernel"}, missing) &&
         resolve(handle, f.cuStreamCreate, {"cuStreamCreate"}, missing) &&
         resolve(handle, f.cuStreamSynchronize, {"cuStreamSynchronize"}, missing) &&
         resolve(handle, f.cuStreamDestroy, {"cuStreamDestroy_v2", "cuStreamDestroy"}, missing) &&
         resolve(handle, f.cuStreamBeginCapture, {"cuStreamBeginCapture_v2"}, missing) &&
         resolve(handle, f.cuStreamEndCapture, {"cuStreamEndCapture"}, missing) &&
         resolve(handle, f.cuGraphInstantiateWithFlags, {"cuGraphInstantiateWithFlags"}, missing) &&
         resolve(handle, f.cuGraphLaunch, {"cuGraphLaunch"}, missing) &&
         resolve(handle, f.cuGraphExecDestroy, {"cuGraphExecDestroy"}, missing) &&
         resolve(handle, f.cuGraphDestroy, {"cuGraphDestroy"}, missing) &&
         resolve(handle, f.cuEventCreate, {"cuEventCreate"}, missing) &&
         resolve(handle, f.cuEventRecord, {"cuEventRecord"}, missing) &&
         resolve(handle, f.cuEventElapsedTime, {"cuEventElapsedTime_v2", "cuEventElapsedTime"},
                 missing) &&
         resolve(handle, f.cuEventDestroy, {"cuEventDestroy_v2", "cuEventDestroy"}, missing);
}

/// Entry points of newer drivers that only some models need: null where the driver lacks
/// them, and the session that needs one says so.
void resolveOptional(void *handle, DriverApi &f) {
  f.cuTensorMapEncodeTiled =
      reinterpret_cast<decltype(f.cuTensorMapEncodeTiled)>(dlsym(handle, "cuTensorMapEncodeTiled"));
}

std::mutex &cacheMutex() {
  static std::mutex m;
  return m;
}

/// Opened drivers by path; never freed (the driver stays loaded for the process).
std::map<std::string, const Driver *> &cache() {
  static auto *drivers = new std::map<std::string, const Driver *>();
  return *drivers;
}

} // namespace

std::string Driver::describe(CUresult result) const {
  const char *name = nullptr;
  const char *text = nullptr;
  if (fns.cuGetErrorName(result, &name) != CUDA_SUCCESS || !name) {
    return "CUresult " + std::to_string(result);
  }
  std::string s = name;
  if (fns.cuGetErrorString(result, &text) == CUDA_SUCCESS && text) {
    s += std::string(": ") + text;
  }
  return s;
}

std::string Driver::message(const std::string &what, const char *call, CUresult result) const {
  return "CUDA: " + what + " (" + call + ": " + describe(result) + ")";
}

kilnStatus Driver::error(const std::string &what, const char *call, CUresult result,
                         kilnStatusCode otherwise) const {
  return kilnStatusCreate(result == CUDA_ERROR_OUT_OF_MEMORY ? KILN_OUT_OF_MEMORY : otherwise,
                          message(what, call, result).c_str());
}

std::string cudaDriverPath() {
  const char *path = std::getenv("KILN_CUDA_DRIVER");
  return path && *path ? path : kDefaultLibrary;
}

kilnStatus openCudaDriver(const std::string &path, const Driver *&out) {
  std::lock_guard<std::mutex> lock(cacheMutex());
  auto cached = cache().find(path);
  if (cached != cache().end()) {
    out = cached->second;
    return nullptr;
  }
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    return unsupported("CUDA: no NVIDIA driver on this machine (" +
                       std::string(why ? why : path + ": cannot be opened") + "); " + kWayOut);
  }
  Driver *driver = new Driver();
  driver->library = path;
  std::string missing;
  if (!resolveAll(handle, driver->fns, missing)) {
    delete driver;
    dlclose(handle);
    return unsupported("CUDA: the NVIDIA driver '" + path + "' does not export " + missing +
                       ": the driver is too old for this runtime (or not an NVIDIA driver); "
                       "update the NVIDIA driver, or compile with --target=cpu");
  }
  resolveOptional(handle, driver->fns);
  CUresult r = driver->fns.cuInit(0);
  if (r != CUDA_SUCCESS) {
    std::string message =
        r == CUDA_ERROR_NO_DEVICE
            ? "CUDA: no GPU found (cuInit: " + driver->describe(r) + "); " + kWayOut
            : "CUDA: the NVIDIA driver failed to initialize (cuInit: " + driver->describe(r) +
                  "); check the driver (nvidia-smi), or compile with --target=cpu";
    delete driver;
    // Not closed: a driver that ran cuInit may have started threads of its own.
    return unsupported(message);
  }
  cache()[path] = driver;
  out = driver;
  return nullptr;
}

kilnStatus openCudaDriver(const Driver *&out) { return openCudaDriver(cudaDriverPath(), out); }

} // namespace kiln::runtime::cuda
