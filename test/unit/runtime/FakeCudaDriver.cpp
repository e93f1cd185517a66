//===- FakeCudaDriver.cpp - a libcuda stand-in that runs on the host ------------===//
//
// See FakeCudaDriver.h. The entry points have the signatures of cuda.h as
// lib/runtime/CudaDriver.h declares them and are exported under the names the runtime
// resolves (`_v2` where the real driver has one). One mutex guards all state; each
// thread has its own stack of current contexts, as in the driver.
//
//===----------------------------------------------------------------------------===//
#include "test/unit/runtime/FakeCudaDriver.h"
#include "lib/runtime/CudaDriver.h"
#include "test/unit/runtime/CudaEmulator.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

using namespace kiln::runtime::cuda;

// The handles the runtime sees are pointers to these.
struct CUctx_st_fake {
  int device;
};
struct FakeFunction;
struct FakeModule {
  std::vector<std::string> entries; // empty for a CUBIN: every built-in kernel
  std::shared_ptr<kiln::emu::Program> emulated; // KILN_FAKE_CUDA_KERNELS: kiln's kernels
  std::map<std::string, std::unique_ptr<FakeFunction>> functions;
};
struct FakeStream {
  bool capturing = false;
  bool captureBroken = false;
  std::vector<std::function<void()>> captured;
  CUresult pending = CUDA_SUCCESS; // a kernel's failure, reported by synchronize
};
struct FakeGraph {
  std::vector<std::function<void()>> ops;
};
struct FakeEvent {
  int64_t timeNs = -1;
};

namespace {

constexpr CUresult kInvalidDevice = 101;
constexpr CUresult kInvalidImage = 200;
constexpr CUresult kInvalidContext = 201;
constexpr CUresult kNoBinaryForGpu = 209;
constexpr CUresult kInvalidPtx = 218;
constexpr CUresult kInvalidHandle = 400;
constexpr CUresult kIllegalState = 401;
constexpr CUresult kIllegalAddress = 700;
constexpr CUresult kCaptureUnsupported = 900;
constexpr CUresult kCaptureInvalidated = 901;

using Args = std::vector<CUdeviceptr>;
/// A built-in kernel: runs the whole grid, returns a CUresult for a fault.
using KernelImpl = CUresult (*)(const Args &, unsigned threads);

struct FakeFunctionInfo {
  const char *name;
  size_t params;
  KernelImpl impl;
};

std::mutex gMutex;
KilnFakeCudaConfig gConfig;
KilnFakeCudaStats gStats;
std::map<uintptr_t, size_t> gAllocations; // base -> bytes
uint64_t gAllocated = 0;
int gAllocationIndex = 0;
int64_t gClockNs = 0;
CUctx_st_fake gContexts[8];
thread_local std::vector<CUcontext> tContextStack;

/// True when [p, p + bytes) lies inside one live allocation.
bool inside(CUdeviceptr p, uint64_t bytes) {
  auto it = gAllocations.upper_bound(static_cast<uintptr_t>(p));
  if (it == gAllocations.begin()) {
    return false;
  }
  --it;
  uint64_t offset = p - it->first;
  return offset <= it->second && bytes <= it->second - offset;
}

template <typename T> T *at(CUdeviceptr p) {
  return reinterpret_cast<T *>(static_cast<uintptr_t>(p));
}

constexpr unsigned kElements = 1000;

CUresult addOne(const Args &a, unsigned threads) {
  unsigned n = threads < kElements ? threads : kElements;
  if (!inside(a[0], 4ull * n) || !inside(a[1], 4ull * n)) {
    return kIllegalAddress;
  }
  for (unsigned i = 0; i < n; ++i) {
    at<float>(a[1])[i] = at<const float>(a[0])[i] + 1.0f;
  }
  return CUDA_SUCCESS;
}

CUresult scale(const Args &a, unsigned threads) {
  unsigned n = threads < kElements ? threads : kElements;
  if (!inside(a[0], 4ull * n) || !inside(a[1], 4ull * 16) || !inside(a[2], 4ull * n)) {
    return kIllegalAddress;
  }
  for (unsigned i = 0; i < n; ++i) {
    at<float>(a[2])[i] = at<const float>(a[0])[i] * at<const float>(a[1])[i % 16];
  }
  return CUDA_SUCCESS;
}

/// The map at `p` if it is one the fake encoded, in device memory, 64-byte aligned (as
/// PTX requires of a tensor map operand); else null.
const CUtensorMap *fakeMapAt(CUdeviceptr p) {
  if (p % 64 != 0 || !inside(p, sizeof(CUtensorMap)) ||
      at<const CUtensorMap>(p)->opaque[0] != kKilnFakeTensorMapMagic) {
    return nullptr;
  }
  return at<const CUtensorMap>(p);
}

/// kiln_cuda_add_one_tma (x, t, map 0, map 1): t[i] = x[i] + 1, reading x through map 0's
/// global address, as a TMA load would; map 1 must be a map too.
CUresult addOneTma(const Args &a, unsigned threads) {
  const CUtensorMap *source = fakeMapAt(a[2]);
  if (!source || !fakeMapAt(a[3])) {
    return kIllegalAddress;
  }
  return addOne({source->opaque[1], a[1]}, threads);
}

const FakeFunctionInfo kKernels[] = {
    {"kiln_cuda_add_one", 2, addOne},
    {"kiln_cuda_scale", 3, scale},
    {"kiln_cuda_add_one_tma", 4, addOneTma},
};

std::vector<KilnFakeCudaTensorMapEncode> gEncodes;
std::vector<KilnFakeCudaLaunch> gLaunches;

bool haveContext() {
  if (tContextStack.empty() || !tContextStack.back()) {
    ++gStats.callsWithoutContext;
    return false;
  }
  return true;
}

/// Runs `op` now, or records it while `stream` is capturing.
void enqueue(FakeStream *stream, std::function<void()> op) {
  if (stream->capturing) {
    stream->captured.push_back(std::move(op));
  } else {
    op();
  }
}

std::string smOfDevice() {
  return "sm_" + std::to_string(gConfig.ccMajor) + std::to_string(gConfig.ccMinor);
}

void writeLog(unsigned n, CUjit_option *options, void **values, const std::string &text) {
  char *buffer = nullptr;
  size_t size = 0;
  for (unsigned i = 0; i < n; ++i) {
    if (options[i] == CU_JIT_ERROR_LOG_BUFFER) {
      buffer = static_cast<char *>(values[i]);
    } else if (options[i] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES) {
      size = reinterpret_cast<uintptr_t>(values[i]);
    }
  }
  if (buffer && size > 0) {
    std::snprintf(buffer, size, "%s", text.c_str());
  }
}

} // namespace

struct FakeFunction {
  const FakeFunctionInfo *info = nullptr; // a built-in kernel, or
  std::shared_ptr<kiln::emu::Program> program; // an emulated one
  std::string name;
  size_t params = 0;
  int maxDynamicShared = 48 * 1024;
};

#define FAKE_EXPORT extern "C" __attribute__((visibility("default")))

//===----------------------------------------------------------------------===//
// Control
//===----------------------------------------------------------------------===//

FAKE_EXPORT void kiln_fake_cuda_reset(void) {
  std::lock_guard<std::mutex> lock(gMutex);
  gConfig = KilnFakeCudaConfig();
  KilnFakeCudaStats live = gStats;
  gStats = KilnFakeCudaStats();
  // Counts of live resources carry over: a test that leaks shows up in the next one.
  gStats.primaryContexts = live.primaryContexts;
  gStats.allocations = live.allocations;
  gStats.streams = live.streams;
  gStats.modules = live.modules;
  gStats.events = live.events;
  gStats.graphs = live.graphs;
  gStats.graphExecs = live.graphExecs;
  gAllocationIndex = 0;
  gEncodes.clear();
  gLaunches.clear();
}

FAKE_EXPORT void kiln_fake_cuda_configure(const KilnFakeCudaConfig *config) {
  std::lock_guard<std::mutex> lock(gMutex);
  gConfig = *config;
  gAllocationIndex = 0;
}

FAKE_EXPORT void kiln_fake_cuda_stats(KilnFakeCudaStats *stats) {
  std::lock_guard<std::mutex> lock(gMutex);
  *stats = gStats;
}

FAKE_EXPORT int kiln_fake_cuda_context_depth(void) {
  return static_cast<int>(tContextStack.size());
}

namespace {

template <typename T> int copyRecords(const std::vector<T> &records, T *out, int max) {
  std::lock_guard<std::mutex> lock(gMutex);
  for (int i = 0; i < max && i < static_cast<int>(records.size()); ++i) {
    out[i] = records[i];
  }
  return static_cast<int>(records.size());
}

} // namespace

FAKE_EXPORT int kiln_fake_cuda_tensor_map_encodes(KilnFakeCudaTensorMapEncode *out, int max) {
  return copyRecords(gEncodes, out, max);
}

FAKE_EXPORT int kiln_fake_cuda_launches(KilnFakeCudaLaunch *out, int max) {
  return copyRecords(gLaunches, out, max);
}

//===----------------------------------------------------------------------===//
// Errors, initialization, devices, contexts
//===----------------------------------------------------------------------===//

FAKE_EXPORT CUresult cuGetErrorName(CUresult error, const char **str) {
  static const std::map<CUresult, const char *> names = {
      {CUDA_SUCCESS, "CUDA_SUCCESS"},
      {CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE"},
      {CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY"},
      {CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE"},
      {kInvalidDevice, "CUDA_ERROR_INVALID_DEVICE"},
      {kInvalidImage, "CUDA_ERROR_INVALID_IMAGE"},
      {kInvalidContext, "CUDA_ERROR_INVALID_CONTEXT"},
      {kNoBinaryForGpu, "CUDA_ERROR_NO_BINARY_FOR_GPU"},
      {kInvalidPtx, "CUDA_ERROR_INVALID_PTX"},
      {kInvalidHandle, "CUDA_ERROR_INVALID_HANDLE"},
      {kIllegalState, "CUDA_ERROR_ILLEGAL_STATE"},
      {CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND"},
      {kIllegalAddress, "CUDA_ERROR_ILLEGAL_ADDRESS"},
      {kCaptureUnsupported, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED"},
      {kCaptureInvalidated, "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED"},
  };
  auto it = names.find(error);
  *str = it == names.end() ? nullptr : it->second;
  return it == names.end() ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuGetErrorString(CUresult error, const char **str) {
  static const std::map<CUresult, const char *> texts = {
      {CUDA_SUCCESS, "no error"},
      {CUDA_ERROR_INVALID_VALUE, "invalid argument"},
      {CUDA_ERROR_OUT_OF_MEMORY, "out of memory"},
      {CUDA_ERROR_NO_DEVICE, "no CUDA-capable device is detected"},
      {kInvalidDevice, "invalid device ordinal"},
      {kInvalidImage, "device kernel image is invalid"},
      {kInvalidContext, "invalid device context"},
      {kNoBinaryForGpu, "no kernel image is available for execution on the device"},
      {kInvalidPtx, "a PTX JIT compilation failed"},
      {kInvalidHandle, "invalid resource handle"},
      {kIllegalState, "the operation cannot be performed in the present state"},
      {CUDA_ERROR_NOT_FOUND, "named symbol not found"},
      {kIllegalAddress, "an illegal memory access was encountered"},
      {kCaptureUnsupported, "operation not permitted when stream is capturing"},
      {kCaptureInvalidated, "operation failed due to a previous error during capture"},
  };
  auto it = texts.find(error);
  *str = it == texts.end() ? nullptr : it->second;
  return it == texts.end() ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
}

/// With KILN_FAKE_CUDA_KERNELS, the fake GPU becomes the architecture the kernels were
/// built for, with its opt-in shared memory (an sm_90a build: 9.0, 227 KiB).
void adoptEmulatedArchitecture() {
  const char *kernels = std::getenv("KILN_FAKE_CUDA_KERNELS");
  std::string arch = kernels ? kiln::emu::programArch(kernels) : "";
  int major = 0, minor = 0;
  if (std::sscanf(arch.c_str(), "sm_%1d%1d", &major, &minor) != 2) {
    return; // not an emulator object: loading the module says so
  }
  gConfig.ccMajor = major;
  gConfig.ccMinor = minor;
  gConfig.maxSharedOptin = major == 9 ? 227 * 1024 : minor == 0 ? 163 * 1024 : 99 * 1024;
}

FAKE_EXPORT CUresult cuInit(unsigned flags) {
  std::lock_guard<std::mutex> lock(gMutex);
  static bool adopted = false;
  if (!adopted) {
    adopted = true;
    adoptEmulatedArchitecture();
  }
  return flags != 0 ? CUDA_ERROR_INVALID_VALUE : gConfig.initResult;
}

FAKE_EXPORT CUresult cuDeviceGetCount(int *count) {
  std::lock_guard<std::mutex> lock(gMutex);
  *count = gConfig.deviceCount;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (ordinal < 0 || ordinal >= gConfig.deviceCount || ordinal >= 8) {
    return kInvalidDevice;
  }
  *device = ordinal;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDeviceGetAttribute(int *value, CUdevice_attribute attribute,
                                          CUdevice device) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (device < 0 || device >= gConfig.deviceCount) {
    return kInvalidDevice;
  }
  switch (attribute) {
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR:
    *value = gConfig.ccMajor;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR:
    *value = gConfig.ccMinor;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN:
    *value = gConfig.maxSharedOptin;
    return CUDA_SUCCESS;
  default:
    return CUDA_ERROR_INVALID_VALUE;
  }
}

FAKE_EXPORT CUresult cuDeviceGetName(char *name, int length, CUdevice device) {
  if (length <= 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::snprintf(name, static_cast<size_t>(length), "Kiln Fake GPU %d", device);
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice device) {
  std::lock_guard<std::mutex> lock(gMutex);
  *bytes = static_cast<size_t>(gConfig.memoryBytes);
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext *context, CUdevice device) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (device < 0 || device >= gConfig.deviceCount || device >= 8) {
    return kInvalidDevice;
  }
  gContexts[device].device = device;
  *context = reinterpret_cast<CUcontext>(&gContexts[device]);
  ++gStats.primaryContexts;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) {
  std::lock_guard<std::mutex> lock(gMutex);
  --gStats.primaryContexts;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuCtxPushCurrent_v2(CUcontext context) {
  if (!context) {
    return kInvalidContext;
  }
  tContextStack.push_back(context);
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuCtxPopCurrent_v2(CUcontext *context) {
  if (tContextStack.empty()) {
    return kInvalidContext;
  }
  if (context) {
    *context = tContextStack.back();
  }
  tContextStack.pop_back();
  return CUDA_SUCCESS;
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

FAKE_EXPORT CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  if (bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (gAllocationIndex++ == gConfig.oomAtAllocation || bytes > gConfig.memoryBytes - gAllocated) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  size_t rounded = (bytes + 255) / 256 * 256;
  void *p = std::aligned_alloc(256, rounded);
  if (!p) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  gAllocations[reinterpret_cast<uintptr_t>(p)] = bytes;
  gAllocated += bytes;
  ++gStats.allocations;
  *pointer = reinterpret_cast<uintptr_t>(p);
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuMemFree_v2(CUdeviceptr pointer) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  auto it = gAllocations.find(static_cast<uintptr_t>(pointer));
  if (it == gAllocations.end()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  gAllocated -= it->second;
  std::free(at<void>(pointer));
  gAllocations.erase(it);
  --gStats.allocations;
  return CUDA_SUCCESS;
}

namespace {

/// Host <-> device copies of pageable memory cannot be captured into a graph.
CUresult pageableCopy(FakeStream *stream, CUdeviceptr device, size_t bytes,
                      const std::function<void()> &copy) {
  if (!haveContext() || !stream) {
    return !stream ? kInvalidHandle : kInvalidContext;
  }
  if (stream->capturing) {
    stream->captureBroken = true;
    return kCaptureUnsupported;
  }
  if (!inside(device, bytes)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  copy();
  return CUDA_SUCCESS;
}

} // namespace

FAKE_EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t bytes,
                                          CUstream stream) {
  std::lock_guard<std::mutex> lock(gMutex);
  return pageableCopy(reinterpret_cast<FakeStream *>(stream), dst, bytes,
                      [&] { std::memcpy(at<void>(dst), src, bytes); });
}

FAKE_EXPORT CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t bytes,
                                          CUstream stream) {
  std::lock_guard<std::mutex> lock(gMutex);
  return pageableCopy(reinterpret_cast<FakeStream *>(stream), src, bytes,
                      [&] { std::memcpy(dst, at<void>(src), bytes); });
}

FAKE_EXPORT CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                                          CUstream stream) {
  std::lock_guard<std::mutex> lock(gMutex);
  FakeStream *s = reinterpret_cast<FakeStream *>(stream);
  if (!haveContext() || !s) {
    return !s ? kInvalidHandle : kInvalidContext;
  }
  if (!inside(dst, bytes) || !inside(src, bytes)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  enqueue(s, [=] { std::memmove(at<void>(dst), at<void>(src), bytes); });
  return CUDA_SUCCESS;
}

//===----------------------------------------------------------------------===//
// Modules and launches
//===----------------------------------------------------------------------===//


FAKE_EXPORT CUresult cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned n,
                                        CUjit_option *options, void **values) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  const char *bytes = static_cast<const char *>(image);
  auto fake = std::make_unique<FakeModule>();
  ++gStats.moduleLoads;
  if (const char *kernels = std::getenv("KILN_FAKE_CUDA_KERNELS")) {
    // kiln's own kernels, built for the host (CudaEmulator.h), run in place of the
    // image's; a PTX image must be of their architecture and its kernels must take the
    // parameters theirs take (a CUBIN is loaded only for the device's architecture,
    // which is theirs).
    static std::map<std::string, std::shared_ptr<kiln::emu::Program>> loaded;
    std::shared_ptr<kiln::emu::Program> &program = loaded[kernels];
    std::string error;
    if (!program && !(program = kiln::emu::loadProgram(kernels, error))) {
      writeLog(n, options, values, error);
      std::fprintf(stderr, "kiln fake cuda: %s\n", error.c_str());
      return kInvalidImage;
    }
    if (std::memcmp(bytes, "\x7f" "ELF", 4) != 0 && !(error = kiln::emu::moduleMismatch(*program, bytes)).empty()) {
      error = std::string(kernels) + ": " + error;
      writeLog(n, options, values, error);
      std::fprintf(stderr, "kiln fake cuda: %s\n", error.c_str());
      return kInvalidImage;
    }
    fake->emulated = program;
    // Models need more than the unit tests' gigabyte.
    gConfig.memoryBytes = std::max<uint64_t>(gConfig.memoryBytes, uint64_t(16) << 30);
    ++gStats.modules;
    *module = reinterpret_cast<CUmodule>(fake.release());
    return CUDA_SUCCESS;
  }
  if (std::memcmp(bytes,
                  "\x7f"
                  "ELF",
                  4) == 0) {
    // A test CUBIN: an ELF header for EM_CUDA with the architecture as text at offset 32.
    gStats.lastLoadWasCubin = true;
    std::string arch(bytes + 32, strnlen(bytes + 32, 16));
    if (!arch.empty() && arch.back() == 'a') {
      arch.pop_back(); // sm_90a runs on 9.0, as sm_90 does
    }
    if (arch != smOfDevice()) {
      return kNoBinaryForGpu;
    }
  } else {
    gStats.lastLoadWasCubin = false;
    std::string ptx = bytes;
    if (ptx.find("kiln_fake_invalid") != std::string::npos) {
      writeLog(n, options, values, "ptxas application ptx input, line 1; error   : syntax error");
      return kInvalidPtx;
    }
    size_t target = ptx.find(".target sm_");
    if (target == std::string::npos) {
      return kInvalidPtx;
    }
    int sm = std::atoi(ptx.c_str() + target + 11);
    bool archSpecific = ptx.compare(target + 13, 1, "a") == 0;
    int have = gConfig.ccMajor * 10 + gConfig.ccMinor;
    if (sm > have || (archSpecific && sm != have)) {
      writeLog(n, options, values,
               "ptxas fatal   : SM version specified by .target is higher than default SM "
               "version assumed");
      return kInvalidPtx;
    }
    for (size_t at = ptx.find(".entry "); at != std::string::npos;
         at = ptx.find(".entry ", at + 1)) {
      size_t begin = at + 7, end = ptx.find('(', begin);
      fake->entries.push_back(ptx.substr(begin, end - begin));
    }
  }
  ++gStats.modules;
  *module = reinterpret_cast<CUmodule>(fake.release());
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuModuleUnload(CUmodule module) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  delete reinterpret_cast<FakeModule *>(module);
  --gStats.modules;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuModuleGetFunction(CUfunction *function, CUmodule module, const char *name) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  FakeModule *m = reinterpret_cast<FakeModule *>(module);
  if (m->emulated) {
    int params = kiln::emu::kernelParams(*m->emulated, name);
    if (params < 0) {
      return CUDA_ERROR_NOT_FOUND;
    }
    auto &f = m->functions[name];
    if (!f) {
      f = std::make_unique<FakeFunction>();
      f->program = m->emulated;
      f->name = name;
      f->params = static_cast<size_t>(params);
    }
    *function = reinterpret_cast<CUfunction>(f.get());
    return CUDA_SUCCESS;
  }
  bool listed = m->entries.empty();
  for (const std::string &e : m->entries) {
    listed |= e == name;
  }
  for (const FakeFunctionInfo &k : kKernels) {
    if (listed && std::strcmp(k.name, name) == 0) {
      auto &f = m->functions[name];
      if (!f) {
        f = std::make_unique<FakeFunction>();
        f->info = &k;
        f->name = k.name;
        f->params = k.params;
      }
      *function = reinterpret_cast<CUfunction>(f.get());
      return CUDA_SUCCESS;
    }
  }
  return CUDA_ERROR_NOT_FOUND;
}

FAKE_EXPORT CUresult cuFuncSetAttribute(CUfunction function, CUfunction_attribute attribute,
                                        int value) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  if (attribute != CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES || value < 0 ||
      value > gConfig.maxSharedOptin) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  reinterpret_cast<FakeFunction *>(function)->maxDynamicShared = value;
  gStats.sharedAttribute = value;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuLaunchKernel(CUfunction function, unsigned gridX, unsigned gridY,
                                    unsigned gridZ, unsigned blockX, unsigned blockY,
                                    unsigned blockZ, unsigned sharedBytes, CUstream stream,
                                    void **params, void **extra) {
  std::lock_guard<std::mutex> lock(gMutex);
  FakeStream *s = reinterpret_cast<FakeStream *>(stream);
  if (!haveContext() || !s || !function) {
    return !s || !function ? kInvalidHandle : kInvalidContext;
  }
  FakeFunction *f = reinterpret_cast<FakeFunction *>(function);
  uint64_t threads = uint64_t(blockX) * blockY * blockZ;
  if (gridX == 0 || gridY == 0 || gridZ == 0 || threads == 0 || threads > 1024 || extra ||
      (f->params > 0 && !params)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (static_cast<int>(sharedBytes) > f->maxDynamicShared) {
    ++gStats.launchesWithoutSharedOptIn;
    return CUDA_ERROR_INVALID_VALUE;
  }
  // The driver copies the parameter values at launch time.
  Args args(f->params);
  KilnFakeCudaLaunch launch{};
  std::snprintf(launch.function, sizeof(launch.function), "%s", f->name.c_str());
  launch.params = static_cast<int>(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    std::memcpy(&args[i], params[i], sizeof(CUdeviceptr));
    if (i < 8) {
      launch.values[i] = args[i];
    }
  }
  gLaunches.push_back(launch);
  unsigned total = static_cast<unsigned>(uint64_t(gridX) * gridY * gridZ * threads);
  if (f->program) {
    // Every parameter of a kiln kernel is a pointer (to a binding, or to a tensor map in
    // device memory); `args` holds their values, as the driver copies them at launch.
    std::shared_ptr<kiln::emu::Program> program = f->program;
    std::string name = f->name;
    unsigned grid[3] = {gridX, gridY, gridZ}, block[3] = {blockX, blockY, blockZ};
    enqueue(s, [=] {
      ++gStats.kernelRuns;
      gClockNs += 1000 + total;
      Args values = args;
      std::vector<void *> pointers;
      for (CUdeviceptr &v : values) {
        pointers.push_back(&v);
      }
      std::string error;
      if (!kiln::emu::launch(*program, name, grid, block, sharedBytes, pointers.data(),
                             [](uint64_t p, uint64_t bytes) { return inside(p, bytes); },
                             error)) {
        std::fprintf(stderr, "kiln fake cuda: %s\n", error.c_str());
        if (s->pending == CUDA_SUCCESS) {
          s->pending = kIllegalAddress;
        }
      }
    });
    return CUDA_SUCCESS;
  }
  KernelImpl impl = f->info->impl;
  enqueue(s, [=] {
    ++gStats.kernelRuns;
    gClockNs += 1000 + total;
    CUresult r = gConfig.faultNextKernel ? kIllegalAddress : impl(args, total);
    gConfig.faultNextKernel = false;
    if (r != CUDA_SUCCESS && s->pending == CUDA_SUCCESS) {
      s->pending = r;
    }
  });
  return CUDA_SUCCESS;
}

//===----------------------------------------------------------------------===//
// Streams, graphs, events
//===----------------------------------------------------------------------===//

FAKE_EXPORT CUresult cuStreamCreate(CUstream *stream, unsigned flags) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  *stream = reinterpret_cast<CUstream>(new FakeStream());
  ++gStats.streams;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuStreamSynchronize(CUstream stream) {
  std::lock_guard<std::mutex> lock(gMutex);
  FakeStream *s = reinterpret_cast<FakeStream *>(stream);
  if (!haveContext() || !s) {
    return !s ? kInvalidHandle : kInvalidContext;
  }
  if (s->capturing) {
    s->captureBroken = true;
    return kCaptureUnsupported;
  }
  return s->pending; // sticky, like a fault in a real context
}

FAKE_EXPORT CUresult cuStreamDestroy_v2(CUstream stream) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  delete reinterpret_cast<FakeStream *>(stream);
  --gStats.streams;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuStreamBeginCapture_v2(CUstream stream, CUstreamCaptureMode mode) {
  std::lock_guard<std::mutex> lock(gMutex);
  FakeStream *s = reinterpret_cast<FakeStream *>(stream);
  if (!haveContext() || !s) {
    return !s ? kInvalidHandle : kInvalidContext;
  }
  if (s->capturing) {
    return kIllegalState;
  }
  s->capturing = true;
  s->captureBroken = false;
  s->captured.clear();
  gStats.lastCaptureMode = mode;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuStreamEndCapture(CUstream stream, CUgraph *graph) {
  std::lock_guard<std::mutex> lock(gMutex);
  FakeStream *s = reinterpret_cast<FakeStream *>(stream);
  if (!haveContext() || !s || !s->capturing) {
    return !s || !s->capturing ? kIllegalState : kInvalidContext;
  }
  s->capturing = false;
  if (s->captureBroken) {
    *graph = nullptr;
    return kCaptureInvalidated;
  }
  auto *g = new FakeGraph();
  g->ops = std::move(s->captured);
  s->captured.clear();
  ++gStats.graphs;
  *graph = reinterpret_cast<CUgraph>(g);
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuGraphInstantiateWithFlags(CUgraphExec *exec, CUgraph graph,
                                                 unsigned long long flags) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  auto *e = new FakeGraph(*reinterpret_cast<FakeGraph *>(graph));
  ++gStats.graphExecs;
  ++gStats.graphInstantiations;
  *exec = reinterpret_cast<CUgraphExec>(e);
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuGraphLaunch(CUgraphExec exec, CUstream stream) {
  std::lock_guard<std::mutex> lock(gMutex);
  FakeStream *s = reinterpret_cast<FakeStream *>(stream);
  if (!haveContext() || !s) {
    return !s ? kInvalidHandle : kInvalidContext;
  }
  ++gStats.graphLaunches;
  for (const std::function<void()> &op : reinterpret_cast<FakeGraph *>(exec)->ops) {
    enqueue(s, op);
  }
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuGraphExecDestroy(CUgraphExec exec) {
  std::lock_guard<std::mutex> lock(gMutex);
  delete reinterpret_cast<FakeGraph *>(exec);
  --gStats.graphExecs;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuGraphDestroy(CUgraph graph) {
  std::lock_guard<std::mutex> lock(gMutex);
  delete reinterpret_cast<FakeGraph *>(graph);
  --gStats.graphs;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuEventCreate(CUevent *event, unsigned flags) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  *event = reinterpret_cast<CUevent>(new FakeEvent());
  ++gStats.events;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuEventRecord(CUevent event, CUstream stream) {
  std::lock_guard<std::mutex> lock(gMutex);
  FakeStream *s = reinterpret_cast<FakeStream *>(stream);
  if (!haveContext() || !s || !event) {
    return !s || !event ? kInvalidHandle : kInvalidContext;
  }
  FakeEvent *e = reinterpret_cast<FakeEvent *>(event);
  enqueue(s, [e] { e->timeNs = gClockNs; });
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuEventElapsedTime_v2(float *milliseconds, CUevent start, CUevent end) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  FakeEvent *a = reinterpret_cast<FakeEvent *>(start);
  FakeEvent *b = reinterpret_cast<FakeEvent *>(end);
  if (!a || !b || a->timeNs < 0 || b->timeNs < 0) {
    return kInvalidHandle;
  }
  *milliseconds = static_cast<float>(b->timeNs - a->timeNs) / 1e6f;
  return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuEventDestroy_v2(CUevent event) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!haveContext()) {
    return kInvalidContext;
  }
  delete reinterpret_cast<FakeEvent *>(event);
  --gStats.events;
  return CUDA_SUCCESS;
}

//===----------------------------------------------------------------------===//
// Tensor maps
//===----------------------------------------------------------------------===//

namespace {

/// The checks cuda.h documents for cuTensorMapEncodeTiled, for the non-interleaved maps
/// kiln encodes, plus one the driver cannot make: the tensor lies in one allocation.
bool validEncode(const CUtensorMap *map, int dataType, cuuint32_t rank, CUdeviceptr address,
                 const cuuint64_t *dims, const cuuint64_t *strides, const cuuint32_t *box,
                 const cuuint32_t *elementStrides, int interleave, int swizzle, int l2Promotion,
                 int oobFill) {
  if (!map || reinterpret_cast<uintptr_t>(map) % 64 != 0 || dataType < 0 || dataType > 9 ||
      rank == 0 || rank > 5 || address % 16 != 0 || !dims || !box || !elementStrides ||
      (rank > 1 && !strides) || interleave != CU_TENSOR_MAP_INTERLEAVE_NONE || swizzle < 0 ||
      swizzle > CU_TENSOR_MAP_SWIZZLE_128B || l2Promotion < 0 || l2Promotion > 3 || oobFill < 0 ||
      oobFill > 1) {
    return false;
  }
  const uint64_t elem = kKilnFakeTensorMapElementBytes[dataType];
  uint64_t extent = dims[0] * elem;
  for (cuuint32_t i = 0; i < rank; ++i) {
    if (dims[i] == 0 || dims[i] > (uint64_t(1) << 32) || box[i] == 0 || box[i] > 256 ||
        elementStrides[i] == 0 || elementStrides[i] > 8) {
      return false;
    }
    if (i > 0) {
      if (strides[i - 1] % 16 != 0 || strides[i - 1] >= (uint64_t(1) << 40)) {
        return false;
      }
      extent += (dims[i] - 1) * strides[i - 1]; // small in tests; inside() has the last word
    }
  }
  const uint64_t row = box[0] * elem;
  const uint64_t swizzleBytes = swizzle == 0 ? 0 : uint64_t(16) << swizzle;
  return row % 16 == 0 && (swizzle == 0 || row <= swizzleBytes) && inside(address, extent);
}

} // namespace

/// The encode behind the exported cuTensorMapEncodeTiled: checks, records, writes the
/// recognizable map.
extern "C" CUresult
fakeTensorMapEncodeTiled(CUtensorMap *map, CUtensorMapDataType dataType, cuuint32_t rank,
                         void *globalAddress, const cuuint64_t *dims, const cuuint64_t *strides,
                         const cuuint32_t *box, const cuuint32_t *elementStrides,
                         CUtensorMapInterleave interleave, CUtensorMapSwizzle swizzle,
                         CUtensorMapL2promotion l2Promotion, CUtensorMapFloatOOBfill oobFill) {
  std::lock_guard<std::mutex> lock(gMutex);
  const CUdeviceptr address = reinterpret_cast<uintptr_t>(globalAddress);
  const int call = static_cast<int>(gEncodes.size());
  if (call == gConfig.failTensorMapEncodeAt ||
      !validEncode(map, dataType, rank, address, dims, strides, box, elementStrides, interleave,
                   swizzle, l2Promotion, oobFill)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  KilnFakeCudaTensorMapEncode e{};
  e.dataType = dataType;
  e.rank = rank;
  e.globalAddress = address;
  for (cuuint32_t i = 0; i < rank; ++i) {
    e.dims[i] = dims[i];
    e.box[i] = box[i];
    e.elementStrides[i] = elementStrides[i];
    if (i + 1 < rank) {
      e.strides[i] = strides[i];
    }
  }
  e.interleave = interleave;
  e.swizzle = swizzle;
  e.l2Promotion = l2Promotion;
  e.oobFill = oobFill;
  KilnFakeTensorMap written{};
  written.magic = kKilnFakeTensorMapMagic;
  written.globalAddress = address;
  written.call = static_cast<uint64_t>(call);
  for (cuuint32_t i = 0; i < rank; ++i) {
    written.dims[i] = dims[i];
    written.box[i] = box[i];
    written.elementStrides[i] = static_cast<uint8_t>(elementStrides[i]);
    if (i + 1 < rank) {
      written.strides[i] = strides[i];
    }
  }
  written.dataType = static_cast<uint8_t>(dataType);
  written.rank = static_cast<uint8_t>(rank);
  written.interleave = static_cast<uint8_t>(interleave);
  written.swizzle = static_cast<uint8_t>(swizzle);
  written.l2Promotion = static_cast<uint8_t>(l2Promotion);
  written.oobFill = static_cast<uint8_t>(oobFill);
  std::memcpy(e.map, &written, sizeof(e.map));
  std::memcpy(map->opaque, e.map, sizeof(e.map));
  gEncodes.push_back(e);
  return CUDA_SUCCESS;
}

using TensorMapEncodeFn = decltype(DriverApi::cuTensorMapEncodeTiled);

/// cuTensorMapEncodeTiled is an IFUNC: the runtime's dlsym of it runs this resolver and
/// gets its result, null for withoutTensorMapEncode, so one library can be a driver with
/// or without the entry point (KilnFakeCudaConfig).
extern "C" TensorMapEncodeFn resolveTensorMapEncodeTiled() {
  return gConfig.withoutTensorMapEncode ? nullptr : &fakeTensorMapEncodeTiled;
}

FAKE_EXPORT CUresult cuTensorMapEncodeTiled(
    CUtensorMap *map, CUtensorMapDataType dataType, cuuint32_t rank, void *globalAddress,
    const cuuint64_t *dims, const cuuint64_t *strides, const cuuint32_t *box,
    const cuuint32_t *elementStrides, CUtensorMapInterleave interleave, CUtensorMapSwizzle swizzle,
    CUtensorMapL2promotion l2Promotion, CUtensorMapFloatOOBfill oobFill)
    __attribute__((ifunc("resolveTensorMapEncodeTiled")));
