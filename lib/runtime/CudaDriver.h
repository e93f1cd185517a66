//===- CudaDriver.h - the CUDA driver API, opened at run time ------------------===//
//
// The runtime runs CUDA artifacts through the driver API (libcuda.so.1) without linking
// it or including its header: the library is dlopen'ed the first time a CUDA session is
// created, so the runtime builds and runs CPU artifacts on machines without CUDA. The
// few driver types, constants and entry points the runtime uses are declared here, with
// the values and signatures of cuda.h (CUDA 13; test/unit/runtime checks them against
// the real header where the toolkit is installed).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_RUNTIME_CUDADRIVER_H
#define KILN_LIB_RUNTIME_CUDADRIVER_H

#include "kiln/runtime.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace kiln::runtime::cuda {

// Types, as cuda.h declares them (opaque handles are pointers to incomplete structs).
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUdevice_attribute = int;
using CUfunction_attribute = int;
using CUjit_option = int;
using CUstreamCaptureMode = int;
using CUtensorMapDataType = int;
using CUtensorMapInterleave = int;
using CUtensorMapSwizzle = int;
using CUtensorMapL2promotion = int;
using CUtensorMapFloatOOBfill = int;
using cuuint32_t = uint32_t;
using cuuint64_t = uint64_t;
struct CUctx_st;
using CUcontext = CUctx_st *;
struct CUmod_st;
using CUmodule = CUmod_st *;
struct CUfunc_st;
using CUfunction = CUfunc_st *;
struct CUstream_st;
using CUstream = CUstream_st *;
struct CUevent_st;
using CUevent = CUevent_st *;
struct CUgraph_st;
using CUgraph = CUgraph_st *;
struct CUgraphExec_st;
using CUgraphExec = CUgraphExec_st *;
/// The opaque 128-byte TMA descriptor cuTensorMapEncodeTiled fills. cuda.h 13 aligns it
/// to 128 bytes (12.x to 64, which is what the driver and PTX require); 128 serves both.
struct CUtensorMap {
  alignas(128) unsigned long long opaque[16];
};

// The values of cuda.h's enums that the runtime uses.
constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_INVALID_VALUE = 1;
constexpr CUresult CUDA_ERROR_OUT_OF_MEMORY = 2;
constexpr CUresult CUDA_ERROR_NO_DEVICE = 100;
constexpr CUresult CUDA_ERROR_NOT_FOUND = 500;
constexpr CUdevice_attribute CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr CUdevice_attribute CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr CUdevice_attribute CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
constexpr CUfunction_attribute CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;
constexpr CUjit_option CU_JIT_INFO_LOG_BUFFER = 3;
constexpr CUjit_option CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER = 5;
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
constexpr CUstreamCaptureMode CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1;
constexpr unsigned CU_STREAM_NON_BLOCKING = 0x1;
constexpr unsigned CU_EVENT_DEFAULT = 0x0;
constexpr CUtensorMapDataType CU_TENSOR_MAP_DATA_TYPE_UINT8 = 0;
constexpr CUtensorMapDataType CU_TENSOR_MAP_DATA_TYPE_UINT16 = 1;
constexpr CUtensorMapDataType CU_TENSOR_MAP_DATA_TYPE_UINT32 = 2;
constexpr CUtensorMapDataType CU_TENSOR_MAP_DATA_TYPE_INT32 = 3;
constexpr CUtensorMapDataType CU_TENSOR_MAP_DATA_TYPE_UINT64 = 4;
constexpr CUtensorMapDataType CU_TENSOR_MAP_DATA_TYPE_INT64 = 5;
constexpr CUtensorMapDataType CU_TENSOR_MAP_DATA_TYPE_FLOAT16 = 6;
constexpr CUtensorMapDataType CU_TENSOR_MAP_DATA_TYPE_FLOAT32 = 7;
constexpr CUtensorMapDataType CU_TENSOR_MAP_DATA_TYPE_FLOAT64 = 8;
constexpr CUtensorMapDataType CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 = 9;
constexpr CUtensorMapInterleave CU_TENSOR_MAP_INTERLEAVE_NONE = 0;
constexpr CUtensorMapSwizzle CU_TENSOR_MAP_SWIZZLE_NONE = 0;
constexpr CUtensorMapSwizzle CU_TENSOR_MAP_SWIZZLE_32B = 1;
constexpr CUtensorMapSwizzle CU_TENSOR_MAP_SWIZZLE_64B = 2;
constexpr CUtensorMapSwizzle CU_TENSOR_MAP_SWIZZLE_128B = 3;
constexpr CUtensorMapL2promotion CU_TENSOR_MAP_L2_PROMOTION_L2_256B = 3;
constexpr CUtensorMapFloatOOBfill CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE = 0;
/// Dynamic shared memory a kernel may use without CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES.
constexpr unsigned kDefaultSharedBytes = 48 * 1024;

/// The entry points the runtime uses, resolved under their `_v2` names where the driver
/// has them. Every transfer is stream-ordered on the session's own (non-blocking) stream:
/// the synchronous cuMemcpy/cuMemset forms run on the legacy default stream, which a
/// non-blocking stream does not wait for. Contexts are pushed and popped around each
/// call into a session, so the caller's thread keeps whatever context it had.
struct DriverApi {
  CUresult (*cuGetErrorName)(CUresult error, const char **str);
  CUresult (*cuGetErrorString)(CUresult error, const char **str);
  CUresult (*cuInit)(unsigned flags);
  CUresult (*cuDeviceGetCount)(int *count);
  CUresult (*cuDeviceGet)(CUdevice *device, int ordinal);
  CUresult (*cuDeviceGetAttribute)(int *value, CUdevice_attribute attribute, CUdevice device);
  CUresult (*cuDeviceGetName)(char *name, int length, CUdevice device);
  CUresult (*cuDeviceTotalMem)(size_t *bytes, CUdevice device);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *context, CUdevice device);
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice device);
  CUresult (*cuCtxPushCurrent)(CUcontext context);
  CUresult (*cuCtxPopCurrent)(CUcontext *context);
  CUresult (*cuMemAlloc)(CUdeviceptr *pointer, size_t bytes);
  CUresult (*cuMemFree)(CUdeviceptr pointer);
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr dst, const void *src, size_t bytes, CUstream stream);
  CUresult (*cuMemcpyDtoHAsync)(void *dst, CUdeviceptr src, size_t bytes, CUstream stream);
  CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream);
  CUresult (*cuModuleLoadDataEx)(CUmodule *module, const void *image, unsigned numOptions,
                                 CUjit_option *options, void **optionValues);
  CUresult (*cuModuleUnload)(CUmodule module);
  CUresult (*cuModuleGetFunction)(CUfunction *function, CUmodule module, const char *name);
  CUresult (*cuFuncSetAttribute)(CUfunction function, CUfunction_attribute attribute, int value);
  CUresult (*cuLaunchKernel)(CUfunction function, unsigned gridX, unsigned gridY, unsigned gridZ,
                             unsigned blockX, unsigned blockY, unsigned blockZ,
                             unsigned sharedBytes, CUstream stream, void **params, void **extra);
  CUresult (*cuStreamCreate)(CUstream *stream, unsigned flags);
  CUresult (*cuStreamSynchronize)(CUstream stream);
  CUresult (*cuStreamDestroy)(CUstream stream);
  CUresult (*cuStreamBeginCapture)(CUstream stream, CUstreamCaptureMode mode);
  CUresult (*cuStreamEndCapture)(CUstream stream, CUgraph *graph);
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec *exec, CUgraph graph,
                                          unsigned long long flags);
  CUresult (*cuGraphLaunch)(CUgraphExec exec, CUstream stream);
  CUresult (*cuGraphExecDestroy)(CUgraphExec exec);
  CUresult (*cuGraphDestroy)(CUgraph graph);
  CUresult (*cuEventCreate)(CUevent *event, unsigned flags);
  CUresult (*cuEventRecord)(CUevent event, CUstream stream);
  CUresult (*cuEventElapsedTime)(float *milliseconds, CUevent start, CUevent end);
  CUresult (*cuEventDestroy)(CUevent event);
  /// Optional: null when the driver predates CUDA 12 (no TMA). Only models whose kernels
  /// have tensor maps need it, so its absence is reported when such a model's session is
  /// created, not when the driver is opened.
  CUresult (*cuTensorMapEncodeTiled)(CUtensorMap *tensorMap, CUtensorMapDataType dataType,
                                     cuuint32_t rank, void *globalAddress,
                                     const cuuint64_t *globalDim, const cuuint64_t *globalStrides,
                                     const cuuint32_t *boxDim, const cuuint32_t *elementStrides,
                                     CUtensorMapInterleave interleave, CUtensorMapSwizzle swizzle,
                                     CUtensorMapL2promotion l2Promotion,
                                     CUtensorMapFloatOOBfill oobFill);
};

/// The driver, loaded and initialized (cuInit succeeded).
class Driver {
public:
  const DriverApi &api() const { return fns; }
  /// The library it was opened from ("libcuda.so.1", or $KILN_CUDA_DRIVER).
  const std::string &path() const { return library; }

  /// "CUDA_ERROR_OUT_OF_MEMORY: out of memory" (or "CUresult 999" for a code the driver
  /// cannot name).
  std::string describe(CUresult result) const;
  /// "CUDA: <what> (<call>: <describe(result)>)".
  std::string message(const std::string &what, const char *call, CUresult result) const;
  /// A status for a failed call: KILN_OUT_OF_MEMORY for CUDA_ERROR_OUT_OF_MEMORY, else
  /// `otherwise`; the message is "CUDA: <what> (<call>: <describe(result)>)".
  kilnStatus error(const std::string &what, const char *call, CUresult result,
                   kilnStatusCode otherwise = KILN_INTERNAL) const;

private:
  friend kilnStatus openCudaDriver(const std::string &path, const Driver *&out);
  Driver() = default;
  DriverApi fns{};
  std::string library;
};

/// The library the runtime opens: $KILN_CUDA_DRIVER when set and non-empty, else
/// "libcuda.so.1".
std::string cudaDriverPath();

/// Opens the driver at `path`, resolves every entry point (the optional ones to null where
/// it lacks them) and calls cuInit(0). Each path is opened once per process (thread-safe);
/// a success is kept for the life of the process (the library is never closed), a failure
/// is retried by the next call. Failures are KILN_UNSUPPORTED with a message that says
/// what to do: no library ("CUDA: no NVIDIA driver on this machine (...)"), a required
/// entry point missing ("... too old ..."), cuInit failing ("CUDA: no GPU found (cuInit:
/// CUDA_ERROR_NO_DEVICE ...)").
kilnStatus openCudaDriver(const std::string &path, const Driver *&out);

/// `openCudaDriver(cudaDriverPath(), out)`.
kilnStatus openCudaDriver(const Driver *&out);

} // namespace kiln::runtime::cuda

#endif // KILN_LIB_RUNTIME_CUDADRIVER_H
